# Copyright (c) mmsocket contributors. All rights reserved.
from .multi_optim_wrapper_constructor import MultiOptimWrapperConstructor

__all__ = ['MultiOptimWrapperConstructor']
