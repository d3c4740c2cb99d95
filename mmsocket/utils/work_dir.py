# Copyright (c) mmsocket contributors. All rights reserved.
"""Where a run writes when neither the CLI nor the config says.

OpenMMLab tools use ``work_dirs/<config file name>``. Our configs are a grid
in which the same file name recurs (``socket/sunrgbd/kv1_to_kv1.py`` and
``shot/synthetic/kv1_to_kv1.py``), so a config inside a ``configs/`` folder
gets ``work_dirs/<its path below configs/>`` instead; source models then
land at predictable paths (``work_dirs/source/<dataset>/<domain>_rgb/``)
that the transfer configs name. Any other config keeps the usual rule.
"""
import os.path as osp


def default_work_dir(config_path: str, root: str = './work_dirs') -> str:
    """Return the default work dir of ``config_path``.

    Examples:
        >>> default_work_dir('configs/socket/synthetic/kv1_to_kv1.py')
        './work_dirs/socket/synthetic/kv1_to_kv1'
        >>> default_work_dir('/tmp/my_cfg.py')
        './work_dirs/my_cfg'
    """
    stem = osp.splitext(osp.normpath(config_path))[0]
    parts = stem.replace('\\', '/').split('/')
    if 'configs' in parts[:-1]:
        # The last 'configs' component: a user's own project may itself sit
        # in a folder called configs.
        last = len(parts) - 1 - parts[::-1].index('configs')
        return osp.join(root, *parts[last + 1:])
    return osp.join(root, parts[-1])
