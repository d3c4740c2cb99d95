# Copyright (c) mmsocket contributors. All rights reserved.
from .multi_optim_wrapper_constructor import MultiOptimWrapperConstructor
from .quiet_optim_wrapper_constructor import QuietOptimWrapperConstructor

__all__ = ['MultiOptimWrapperConstructor', 'QuietOptimWrapperConstructor']
