# Copyright (c) mmsocket contributors. All rights reserved.
from .socket import SOCKET

__all__ = ['SOCKET']
