# Copyright (c) mmsocket contributors. All rights reserved.
import os.path as osp
import sys

_HERE = osp.dirname(osp.abspath(__file__))
# toy_parts (configs import it by this top-level name) and the repo root, so
# the tests also run without `pip install -e .` or `python -m pytest`.
for _path in (_HERE, osp.dirname(osp.dirname(_HERE))):
    if _path not in sys.path:
        sys.path.insert(0, _path)
