# Copyright (c) mmsocket contributors. All rights reserved.
from .export_checkpoint_hook import ExportCheckpointHook
from .progress_bar_hook import ProgressBarHook
from .pseudo_label_hook import PseudoLabelHook
from .ti_feature_bank_hook import TIFeatureBankHook

__all__ = [
    'ExportCheckpointHook', 'PseudoLabelHook', 'TIFeatureBankHook',
    'ProgressBarHook'
]
