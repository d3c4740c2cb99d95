# Copyright (c) mmsocket contributors. All rights reserved.
from .multi_source_accuracy import MultiSourceAccuracy

__all__ = ['MultiSourceAccuracy']
