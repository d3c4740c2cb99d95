# Copyright (c) mmsocket contributors. All rights reserved.
"""``mmsocket.datasets`` holds the runtime readers only.

The offline writers (``mmsocket.dataset_converters``, ``mmsocket.synthetic``)
produce the data roots; training never needs them. Checked in a fresh
interpreter, so what this test session imported elsewhere does not count.
"""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.fixtures import write_tiny_dataset
from tests.test_datasets.test_nyu_scannet_scenenet import (_nyu_csv_tree,
                                                           _scannet_export,
                                                           _scenenet_tree)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
OFFLINE = ('mmsocket.dataset_converters', 'mmsocket.synthetic')

# Build every dataset, load one sample through its pipeline, then report
# the mmsocket modules loaded *before* listing the package's modules
# (pkgutil imports subpackages to walk them).
SCRIPT = r'''
import json, pkgutil, sys
import mmsocket.datasets
from mmengine.registry import init_default_scope
from mmsocket.registry import DATASETS
init_default_scope('mmsocket')
for cfg in json.loads(sys.argv[1]):
    dataset = DATASETS.build(cfg)
    dataset[0]
loaded = sorted(m for m in sys.modules if m.startswith('mmsocket'))
package = sorted(m.name for m in pkgutil.walk_packages(
    mmsocket.datasets.__path__, 'mmsocket.datasets.'))
print(json.dumps(dict(loaded=loaded, package=package)))
'''


def _depth_set(root):
    os.makedirs(osp.join(root, 'rgb'))
    os.makedirs(osp.join(root, 'depth'))
    cv2.imwrite(osp.join(root, 'rgb', '0.png'), np.zeros((6, 8, 3), np.uint8))
    cv2.imwrite(
        osp.join(root, 'depth', '0.png'), np.full((6, 8), 1000, np.uint16))
    ann = dict(
        metainfo=dict(depth_scale=1000),
        data_list=[dict(img_path='rgb/0.png', depth_path='depth/0.png')])
    with open(osp.join(root, 'ann.json'), 'w') as f:
        json.dump(ann, f)


def _configs(tmp_path):
    depth_pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadDepthAnnotation'),
        dict(type='PackDepthInputs')
    ]
    tiny = write_tiny_dataset(str(tmp_path / 'pairs'))
    _depth_set(str(tmp_path / 'depth'))
    _nyu_csv_tree(tmp_path / 'nyu')
    _scannet_export(tmp_path / 'scannet')
    _scenenet_tree(tmp_path / 'scenenet')
    stream = dict(
        type='MultiModalDataset',
        data_root=tiny['data_root'],
        modality='depth',
        with_label=False,
        pipeline=[dict(type='LoadModality'),
                  dict(type='PackInputs')])
    return [
        dict(stream, ann_file=tiny['ann']['tr']),
        dict(
            type='MultiStreamDataset',
            primary='target',
            streams=dict(
                target=dict(stream, ann_file=tiny['ann']['tr']),
                ti=dict(stream, ann_file=tiny['ann']['ti']))),
        dict(
            type='DepthDataset',
            data_root=str(tmp_path / 'depth'),
            ann_file='ann.json',
            pipeline=depth_pipeline),
        dict(
            type='NYUDepthV2Dataset',
            data_root=str(tmp_path / 'nyu'),
            ann_file='data/nyu2_test.csv',
            pipeline=depth_pipeline),
        dict(
            type='ScanNetDepthDataset',
            data_root=str(tmp_path / 'scannet'),
            ann_file='scannetv2_val.txt',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='DenseResize', scale=(8, 6)),
                dict(type='PackDepthInputs')
            ]),
        dict(
            type='SceneNetRGBDDataset',
            data_root=str(tmp_path / 'scenenet'),
            ann_file='scenenet_val_instances.json',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadSemanticAnnotation'),
                dict(type='PackDepthInputs')
            ]),
        dict(type='GaussianNoiseDataset', shape=(3, 4, 4), length=2),
    ]


@pytest.mark.slow
def test_datasets_never_import_the_offline_writers(tmp_path):
    configs = _configs(tmp_path)
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, '-c', SCRIPT,
                           json.dumps(configs)],
                          cwd=REPO,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    loaded = set(report['loaded'])
    assert not [m for m in loaded if m.startswith(OFFLINE)]
    # Nothing under mmsocket.datasets is dead weight for the runtime: a
    # converter or generator left there would be listed but never loaded.
    assert set(report['package']) <= loaded, \
        sorted(set(report['package']) - loaded)
