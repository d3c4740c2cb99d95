import os.path as osp
import sys

# Run the tests against this checkout even before `pip install -e .`.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.registry import init_default_scope  # noqa: E402

init_default_scope('mmsocket')
