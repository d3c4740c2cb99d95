# Copyright (c) mmsocket contributors. All rights reserved.
from .inverse_decay_lr import (InverseDecayLR, InverseDecayParamScheduler,
                               inverse_decay_factor)

__all__ = [
    'InverseDecayLR', 'InverseDecayParamScheduler', 'inverse_decay_factor'
]
