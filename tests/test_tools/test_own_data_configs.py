# Copyright (c) mmsocket contributors. All rights reserved.
"""A user's own data, end to end through the shipped own-data configs with
nothing but --cfg-options: convert eight classes of their own naming, train
a source model and adapt it (SHOT, SOCKET). The class count and the depth
range come from the converted data; no config file is written."""
import os.path as osp
import uuid

import pytest
from mmengine.config import Config

from mmsocket.apis import (build_runner, merge_train_args, parse_train_args,
                           preflight)
from mmsocket.dataset_converters import convert_paired_folders
from tests.fixtures import write_paired_folders

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TR = ('Living Room', 'kitchen', 'Bath-room', 'hall', 'Office', 'garage',
      'attic', 'porch')
TI = ('cellar', 'stairs', 'laundry', 'gym')
# CPU scale for a test: 32 px crops, a narrow ResNet-18, no downloads.
SMALL = [
    'train_pipeline.1.scale=(36,36)', 'train_pipeline.2.crop_size=32',
    'test_pipeline.1.scale=(36,36)', 'test_pipeline.2.crop_size=32',
    'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
    'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0'
]


def small_model(key):
    return [
        f'{key}.backbone.depth=18', f'{key}.backbone.base_channels=8',
        f'{key}.backbone.stem_channels=8', f'{key}.backbone.init_cfg=None',
        f'{key}.neck.in_channels=64'
    ]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('own')
    tree = write_paired_folders(
        str(root / 'my_photos'),
        TR,
        TI,
        per_class=4,
        ti_per_class=2,
        size=(20, 24))
    out = str(root / 'my_rgbd')
    convert_paired_folders(tree['root'], out, progress=False)
    return root, out


def train(config, work_dir, *options):
    args = parse_train_args([
        osp.join(ROOT, config), '--work-dir', work_dir, '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}', *options
    ])
    cfg = preflight(
        merge_train_args(Config.fromfile(args.config), args), 'train')
    runner = build_runner(cfg)
    runner.train()
    return cfg, runner


@pytest.mark.slow
def test_own_data_source_then_shot_and_socket(data):
    root, out = data
    cfg, _ = train('configs/source/own/rgb.py', str(root / 'source'),
                   f'data_root={out}', 'train_cfg.max_epochs=1',
                   'train_cfg.val_interval=1', *SMALL, *small_model('model'))
    assert cfg.num_classes == 8  # read from the converted data
    assert cfg.model.head.num_classes == 8
    ckpt = str(root / 'source' / 'source.pth')
    assert osp.isfile(ckpt)
    for method in ('shot', 'socket'):
        cfg, runner = train(f'configs/{method}/own/rgb_to_depth.py',
                            str(root / method), f'data_root={out}',
                            f'source_checkpoints=[{ckpt}]',
                            'train_cfg.max_epochs=1',
                            'train_cfg.val_interval=1', *SMALL,
                            *small_model('source_model'))
        # The converter's depth range reached every pipeline.
        assert cfg.depth_range == (0.0, 4.0)
        steps = [cfg.test_dataloader.dataset.pipeline[0]]
        steps += [
            s.pipeline[0]
            for s in cfg.train_dataloader.dataset.streams.values() if s
        ]
        assert all(s.depth_range == (0.0, 4.0) for s in steps)
        metrics = runner.val_loop.run()
        assert 0 <= metrics['accuracy/top1'] <= 100
        assert runner.model.num_classes == 8
