# Copyright (c) mmsocket contributors. All rights reserved.
import os
import os.path as osp
import sys

_TESTS = osp.dirname(osp.abspath(__file__))
# The repository (tests run against this checkout even before `pip install
# -e .`) and tests/test_tools, home of toy_parts, which toy configs import by
# that top-level name (`custom_imports=dict(imports=['toy_parts'])`).
for _path in (osp.join(_TESTS, 'test_tools'), osp.dirname(_TESTS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
# ... and so do the scripts the tests start (`python tools/...`), which would
# otherwise import the installed mmsocket, whichever checkout that is.
os.environ['PYTHONPATH'] = os.pathsep.join(
    [osp.dirname(_TESTS)] + [p for p in [os.environ.get('PYTHONPATH')] if p])

from mmengine.registry import init_default_scope  # noqa: E402

init_default_scope('mmsocket')
