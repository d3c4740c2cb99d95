# Copyright (c) mmsocket contributors. All rights reserved.
import os.path as osp
import sys

_HERE = osp.dirname(osp.abspath(__file__))
# Shared toy parts live in tests/test_tools/toy_parts.py.
for _path in (osp.join(osp.dirname(_HERE),
                       'test_tools'), osp.dirname(osp.dirname(_HERE))):
    if _path not in sys.path:
        sys.path.insert(0, _path)
