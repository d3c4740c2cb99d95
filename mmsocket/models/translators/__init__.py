# Copyright (c) mmsocket contributors. All rights reserved.
from .source_input import from_source_input, to_source_input
from .unet_stem_translator import UNetStemTranslator

__all__ = ['UNetStemTranslator', 'to_source_input', 'from_source_input']
