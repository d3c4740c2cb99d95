# Copyright (c) mmsocket contributors. All rights reserved.
from .dfad import DFAD
from .dfdd import DFDD
from .socket import SOCKET
from .tgkt import TGKT
from .tgmb import TGMB

__all__ = ['SOCKET', 'DFDD', 'DFAD', 'TGMB', 'TGKT']
