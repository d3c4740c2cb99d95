# Copyright (c) mmsocket contributors. All rights reserved.
# Parent names (ResNet, ImageClassifier, ClsDataPreprocessor, LabelSmoothLoss)
# resolve from our scope only once mmpretrain has registered them.
import mmpretrain.models  # noqa: F401

from .algorithms import *  # noqa: F401,F403
from .depth import *  # noqa: F401,F403
from .discriminators import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .translators import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
