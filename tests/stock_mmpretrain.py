# Copyright (c) mmsocket contributors. All rights reserved.
"""A stock mmpretrain classifier trained by mmengine's Runner, in a process
that never imports mmsocket: what a user brings as an RGB source model.

The config is mmpretrain's own ``resnet18_8xb32_in1k.py`` (shipped in the
package) at 1/8 width, on a tiny folder of images read by mmpretrain's
``CustomDataset``; one epoch of one iteration.
"""
import json
import os
import os.path as osp
import sys

import cv2
import numpy as np
from toy_parts import run_checked

CLASSES = ('cat', 'dog')

_SCRIPT = r'''
import json, os, sys
from mmengine.config import Config
from mmengine.runner import Runner
import mmpretrain
root, work = sys.argv[1], sys.argv[2]
cfg = Config.fromfile(os.path.join(
    os.path.dirname(mmpretrain.__file__),
    '.mim/configs/resnet/resnet18_8xb32_in1k.py'))
pipe = [dict(type='LoadImageFromFile'), dict(type='Resize', scale=32),
        dict(type='PackInputs')]
cfg.merge_from_dict({
    'model.backbone.base_channels': 8, 'model.backbone.stem_channels': 8,
    'model.head.in_channels': 64, 'model.head.num_classes': 2,
    'train_dataloader.dataset': dict(
        _delete_=True, type='CustomDataset', data_root=root, pipeline=pipe),
    'train_dataloader.batch_size': 4, 'train_dataloader.num_workers': 0,
    'train_dataloader.persistent_workers': False,
    'train_cfg': dict(by_epoch=True, max_epochs=1),
    'randomness': dict(seed=0), 'work_dir': work,
})
cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
Runner.from_cfg(cfg).train()
print(json.dumps(dict(
    mmsocket_imported=any(m.split('.')[0] == 'mmsocket' for m in sys.modules),
    config=os.path.join(work, 'resnet18_8xb32_in1k.py'),
    checkpoint=os.path.join(work, 'epoch_1.pth'))))
'''


def write_image_folder(root: str,
                       classes=CLASSES,
                       per_class: int = 2,
                       size: int = 24,
                       seed: int = 0) -> str:
    """``root/<class>/<k>.png`` random BGR images (mmpretrain's folder
    layout)."""
    rng = np.random.default_rng(seed)
    for cls in classes:
        os.makedirs(osp.join(root, cls), exist_ok=True)
        for k in range(per_class):
            img = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
            assert cv2.imwrite(osp.join(root, cls, f'{k}.png'), img)
    return root


def train_stock_classifier(tmp_dir: str) -> dict:
    """Train the stock classifier in a subprocess; returns ``config`` (the
    config the Runner dumped), ``checkpoint`` and ``mmsocket_imported``."""
    root = write_image_folder(osp.join(tmp_dir, 'images'))
    work = osp.join(tmp_dir, 'stock_work')
    out = run_checked([sys.executable, '-c', _SCRIPT, root, work],
                      cwd=tmp_dir,
                      timeout=300)
    info = json.loads(out.strip().splitlines()[-1])
    assert not info['mmsocket_imported']
    return info
