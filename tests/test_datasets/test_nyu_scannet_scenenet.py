# Copyright (c) mmsocket contributors. All rights reserved.
"""Readers of NYU-Depth-v2, ScanNet and SceneNet RGB-D on fixture trees
written in the official (extracted) layouts, with tiny images."""
import json

import cv2
import numpy as np
import pytest
from mmcv.transforms import Compose

from mmsocket.registry import DATASETS

DEPTH_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
    dict(type='DenseResize', scale=(8, 6)),
    dict(type='PackDepthInputs'),
]


def _rgb(path, h=6, w=8, value=50, ext_ok=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), np.full((h, w, 3), value, np.uint8))


def _png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), array)


# --------------------------------------------------------------------- NYU
def _nyu_csv_tree(root, n_test=3, n_train=2):
    lines = []
    for i in range(n_test):
        _rgb(root / 'data/nyu2_test' / f'{i:05d}_colors.png')
        _png(root / 'data/nyu2_test' / f'{i:05d}_depth.png',
             np.full((6, 8), 1000 + i, np.uint16))
        lines.append(f'data/nyu2_test/{i:05d}_colors.png,'
                     f'data/nyu2_test/{i:05d}_depth.png')
    (root / 'data/nyu2_test.csv').write_text('\n'.join(lines) + '\n')
    lines = []
    for i in range(n_train):
        _rgb(root / 'data/nyu2_train/bedroom_0001_out' / f'{i}.jpg')
        _png(root / 'data/nyu2_train/bedroom_0001_out' / f'{i}.png',
             np.full((6, 8), 51, np.uint8))
        lines.append(f'data/nyu2_train/bedroom_0001_out/{i}.jpg,'
                     f'data/nyu2_train/bedroom_0001_out/{i}.png')
    (root / 'data/nyu2_train.csv').write_text('\n'.join(lines) + '\n')


def test_nyu_csv_layout(tmp_path):
    _nyu_csv_tree(tmp_path)
    test = DATASETS.build(
        dict(
            type='NYUDepthV2Dataset',
            data_root=str(tmp_path),
            ann_file='data/nyu2_test.csv',
            pipeline=DEPTH_PIPELINE))
    assert len(test) == 3 and test.metainfo['layout'] == 'csv'
    s = test[2]['data_samples']
    assert float(s.gt_depth.unique()) == pytest.approx(1.002)
    # 8-bit training depth: 51 / 25.5 = 2 m.
    train = DATASETS.build(
        dict(
            type='NYUDepthV2Dataset',
            data_root=str(tmp_path),
            ann_file='data/nyu2_train.csv',
            depth_scale=25.5,
            pipeline=DEPTH_PIPELINE))
    assert len(train) == 2
    assert float(train[0]['data_samples'].gt_depth.unique()) == \
        pytest.approx(2.0)


def test_nyu_bts_layout(tmp_path):
    root = tmp_path / 'nyu'
    lines = []
    for scene, i in (('bathroom', 45), ('bedroom', 55), ('kitchen', 1)):
        d = root / 'official_splits/test' / scene
        _rgb(d / f'rgb_{i:05d}.jpg', h=12, w=16)
        _png(d / f'sync_depth_{i:05d}.png', np.full((12, 16), 2500, np.uint16))
        lines.append(f'{scene}/rgb_{i:05d}.jpg {scene}/sync_depth_{i:05d}'
                     '.png 518.8579')
    lines.append('study/rgb_00099.jpg None 518.8579')  # skipped
    (root / 'nyudepthv2_test_files_with_gt.txt').write_text('\n'.join(lines) +
                                                            '\n')
    ds = DATASETS.build(
        dict(
            type='NYUDepthV2Dataset',
            data_root=str(root),
            ann_file='nyudepthv2_test_files_with_gt.txt',
            img_prefix='official_splits/test',
            pipeline=DEPTH_PIPELINE))
    assert len(ds) == 3 and ds.metainfo['layout'] == 'bts'
    assert ds.get_data_info(0)['sample_id'] == 'bathroom/rgb_00045'
    s = ds[1]['data_samples']
    assert s.gt_depth.shape == (1, 6, 8)
    assert float(s.gt_depth.unique()) == pytest.approx(2.5)


def test_nyu_errors(tmp_path):
    _nyu_csv_tree(tmp_path)
    with pytest.raises(FileNotFoundError, match='nyu2_val.csv'):
        DATASETS.build(
            dict(
                type='NYUDepthV2Dataset',
                data_root=str(tmp_path),
                ann_file='data/nyu2_val.csv'))
    (tmp_path / 'data/nyu2_test/00001_depth.png').unlink()
    with pytest.raises(FileNotFoundError, match='00001_depth.png'):
        DATASETS.build(
            dict(
                type='NYUDepthV2Dataset',
                data_root=str(tmp_path),
                ann_file='data/nyu2_test.csv'))
    (tmp_path / 'bad.csv').write_text('only_one_column.png\n')
    with pytest.raises(ValueError, match='bad.csv:1'):
        DATASETS.build(
            dict(
                type='NYUDepthV2Dataset',
                data_root=str(tmp_path),
                ann_file='bad.csv'))
    (tmp_path / 'empty.csv').write_text('\n')
    with pytest.raises(ValueError, match='no samples'):
        DATASETS.build(
            dict(
                type='NYUDepthV2Dataset',
                data_root=str(tmp_path),
                ann_file='empty.csv'))


# ----------------------------------------------------------------- ScanNet
def _scannet_export(root, scenes=('scene0000_00', 'scene0001_01'), n=5):
    for s in scenes:
        for i in range(n):
            # colour 1296x968 in the real export; 16x12 vs 8x6 here.
            _rgb(root / 'scans' / s / 'color' / f'{i}.jpg', h=12, w=16)
            _png(root / 'scans' / s / 'depth' / f'{i}.png',
                 np.full((6, 8), 100 * (i + 1), np.uint16))
        (root / 'scans' / s / 'intrinsic').mkdir()
        (root / 'scans' / s / 'intrinsic' / 'intrinsic_depth.txt').write_text(
            '577.59 0 318.9 0\n0 578.73 242.68 0\n0 0 1 0\n0 0 0 1\n')
    (root / 'scannetv2_val.txt').write_text('\n'.join(scenes) + '\n')


def test_scannet_export_layout(tmp_path):
    _scannet_export(tmp_path)
    ds = DATASETS.build(
        dict(
            type='ScanNetDepthDataset',
            data_root=str(tmp_path),
            ann_file='scannetv2_val.txt',
            pipeline=DEPTH_PIPELINE))
    assert len(ds) == 10
    # Numeric frame order (not 0, 1, 10, 2...), colour paired by number.
    info = ds.get_data_info(3)
    assert info['sample_id'] == 'scene0000_00/3'
    assert info['img_path'].endswith('scans/scene0000_00/color/3.jpg')
    out = ds[3]
    assert out['inputs'].shape == (3, 6, 8)
    assert float(out['data_samples'].gt_depth.unique()) == \
        pytest.approx(0.4)
    step = DATASETS.build(
        dict(
            type='ScanNetDepthDataset',
            data_root=str(tmp_path),
            ann_file='scannetv2_val.txt',
            frame_step=2))
    assert len(step) == 6
    sub = DATASETS.build(
        dict(
            type='ScanNetDepthDataset',
            data_root=str(tmp_path),
            ann_file='scannetv2_val.txt',
            max_samples=4,
            subset_seed=1))
    again = DATASETS.build(
        dict(
            type='ScanNetDepthDataset',
            data_root=str(tmp_path),
            ann_file='scannetv2_val.txt',
            max_samples=4,
            subset_seed=1))
    ids = [sub.get_data_info(i)['sample_id'] for i in range(len(sub))]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert ids == [again.get_data_info(i)['sample_id'] for i in range(4)]


def test_scannet_frames_25k_layout(tmp_path):
    for i in (0, 100, 200):
        d = tmp_path / 'scene0002_00'
        _rgb(d / 'color' / f'{i:06d}.jpg')
        _png(d / 'depth' / f'{i:06d}.png', np.full((6, 8), 900, np.uint16))
        _png(d / 'label' / f'{i:06d}.png', np.full((6, 8), 5, np.uint16))
        _png(d / 'instance' / f'{i:06d}.png', np.full((6, 8), 2, np.uint8))
    (tmp_path / 'scenes.txt').write_text('scene0002_00\n')
    ds = DATASETS.build(
        dict(
            type='ScanNetDepthDataset',
            data_root=str(tmp_path),
            ann_file='scenes.txt',
            layout='frames_25k',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadDepthAnnotation'),
                dict(type='LoadSemanticAnnotation', with_instance=True),
                dict(type='PackDepthInputs')
            ]))
    assert len(ds) == 3
    s = ds[2]['data_samples']
    assert int(s.gt_sem.unique()) == 5 and int(s.gt_inst.unique()) == 2
    assert s.sample_id == 'scene0002_00/000200'


def test_scannet_errors(tmp_path):
    _scannet_export(tmp_path)
    (tmp_path / 'scans/scene0001_01/color/4.jpg').unlink()
    with pytest.raises(FileNotFoundError, match='color/4.jpg'):
        DATASETS.build(
            dict(
                type='ScanNetDepthDataset',
                data_root=str(tmp_path),
                ann_file='scannetv2_val.txt'))
    (tmp_path / 'other.txt').write_text('scene0999_00\n')
    with pytest.raises(FileNotFoundError, match='scene0999_00'):
        DATASETS.build(
            dict(
                type='ScanNetDepthDataset',
                data_root=str(tmp_path),
                ann_file='other.txt'))
    with pytest.raises(ValueError, match='layout'):
        DATASETS.build(
            dict(
                type='ScanNetDepthDataset',
                data_root=str(tmp_path),
                ann_file='scannetv2_val.txt',
                layout='sens'))


# ---------------------------------------------------------------- SceneNet
def _scenenet_tree(root, trajectories=('0/1', '0/7'), frames=(0, 25, 50)):
    for t in trajectories:
        for f in frames:
            _rgb(root / t / 'photo' / f'{f}.jpg', h=6, w=8)
            _png(root / t / 'depth' / f'{f}.png',
                 np.full((6, 8), 3000, np.uint16))
            inst = np.zeros((6, 8), np.uint16)
            inst[:, 4:] = 3  # right half: instance 3
            inst[0, 0] = 9  # an instance missing from the table
            _png(root / t / 'instance' / f'{f}.png', inst)
    export = {
        'metainfo': {
            'semantic_classes': ['void', 'wall', 'chair']
        },
        'trajectories': {
            t: {
                '0': 1,
                '3': 2
            }
            for t in trajectories
        }
    }
    (root / 'scenenet_val_instances.json').write_text(json.dumps(export))


def test_scenenet_layout_and_semantic_from_instances(tmp_path):
    _scenenet_tree(tmp_path)
    ds = DATASETS.build(
        dict(
            type='SceneNetRGBDDataset',
            data_root=str(tmp_path),
            ann_file='scenenet_val_instances.json',
            require=('inst_path', ),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadSemanticAnnotation'),
                dict(type='DenseCenterCrop', crop_size=(6, 4)),
                dict(type='PackDepthInputs')
            ]))
    assert len(ds) == 6
    assert ds.semantic_classes == ('void', 'wall', 'chair')
    assert ds.get_data_info(1)['sample_id'] == '0/1/25'
    s = ds[0]['data_samples']
    assert 'gt_depth' not in s  # data-free: depth is never listed
    sem = s.gt_sem.numpy()
    # Centre crop x 1..6 of 8: columns 1-2 wall (instance 0 -> class 1),
    # columns 3-6 chair (instance 3 -> class 2).
    assert (sem[:, :3] == 1).all() and (sem[:, 3:] == 2).all()
    full = Compose([dict(type='LoadSemanticAnnotation')])(
        dict(ds.get_data_info(0)))
    assert full['gt_sem'][0, 0] == 0  # unknown instance -> void
    sub = DATASETS.build(
        dict(
            type='SceneNetRGBDDataset',
            data_root=str(tmp_path),
            ann_file='scenenet_val_instances.json',
            frame_step=2,
            with_depth=True,
            require=('depth_path', )))
    assert len(sub) == 4


def test_scenenet_errors(tmp_path):
    _scenenet_tree(tmp_path)
    (tmp_path / 'bad.json').write_text(json.dumps({'0/1': {}}))
    with pytest.raises(ValueError, match='trajectories'):
        DATASETS.build(
            dict(
                type='SceneNetRGBDDataset',
                data_root=str(tmp_path),
                ann_file='bad.json'))
    (tmp_path / 'more.json').write_text(
        json.dumps({'trajectories': {
            '3/300': {}
        }}))
    with pytest.raises(FileNotFoundError, match='3/300'):
        DATASETS.build(
            dict(
                type='SceneNetRGBDDataset',
                data_root=str(tmp_path),
                ann_file='more.json'))
    (tmp_path / '0/7/instance/50.png').unlink()
    with pytest.raises(FileNotFoundError, match='instance/50.png'):
        DATASETS.build(
            dict(
                type='SceneNetRGBDDataset',
                data_root=str(tmp_path),
                ann_file='scenenet_val_instances.json'))


def test_scenenet_export_tables():
    from types import SimpleNamespace as NS

    from mmsocket.dataset_converters.scenenet import instance_tables
    trajs = [
        NS(render_path='0/1',
           instances=[
               NS(instance_id=1, semantic_english='wall'),
               NS(instance_id=4, semantic_english='chair'),
               NS(instance_id=5, semantic_english='')
           ]),
        NS(render_path='0/2',
           instances=[NS(instance_id=2, semantic_english='bed')]),
    ]
    out = instance_tables(trajs)
    assert out['metainfo']['semantic_classes'] == [
        'void', 'bed', 'chair', 'wall'
    ]
    assert out['trajectories'] == {
        '0/1': {
            '1': 3,
            '4': 2,
            '5': 0
        },
        '0/2': {
            '2': 1
        }
    }
    fixed = instance_tables(trajs, classes=['wall', 'chair'])
    assert fixed['metainfo']['semantic_classes'] == ['void', 'wall', 'chair']
    assert fixed['trajectories']['0/2'] == {'2': 0}


def _labeled_mat(path, n=4):
    """A tiny nyu_depth_v2_labeled.mat: HDF5 with MATLAB's transposed
    (column-major) layout and a cell array of class names."""
    h5py = pytest.importorskip('h5py')
    h, w = 6, 8
    with h5py.File(path, 'w') as f:
        images = np.zeros((n, 3, w, h), np.uint8)
        depths = np.zeros((n, w, h), np.float32)
        labels = np.zeros((n, w, h), np.uint16)
        for i in range(n):
            img = np.zeros((h, w, 3), np.uint8)
            img[..., 0] = 10 * i  # red
            img[0, 1] = (1, 2, 3)  # one marked pixel: row 0, column 1
            images[i] = img.transpose(2, 1, 0)
            d = np.full((h, w), 1.0 + i, np.float32)
            d[0, 1] = 0.25
            depths[i] = d.T
            lab = np.zeros((h, w), np.uint16)
            lab[:, 4:] = 2
            labels[i] = lab.T
        f['images'] = images
        f['depths'] = depths
        f['labels'] = labels
        f['instances'] = np.ones((n, w, h), np.uint8)
        refs = []
        for name in ('bed', 'chair'):
            ds = f.create_dataset(
                f'#refs#/{name}',
                data=np.array([[ord(c)] for c in name], np.uint16))
            refs.append(ds.ref)
        f.create_dataset('names', data=np.array([refs]), dtype=h5py.ref_dtype)


def test_nyu_labeled_mat_converter(tmp_path):
    from mmsocket.dataset_converters.nyu_labeled import (
        convert_nyu_labeled_mat, read_split_indices)
    mat = tmp_path / 'nyu_depth_v2_labeled.mat'
    _labeled_mat(str(mat))
    (tmp_path / 'test.txt').write_text('2\n4\n')
    splits = {
        'test': read_split_indices(str(tmp_path / 'test.txt'))['indices']
    }
    before = mat.read_bytes()
    counts = convert_nyu_labeled_mat(str(mat), str(tmp_path / 'out'), splits)
    assert counts == {'test': 2} and mat.read_bytes() == before
    ds = DATASETS.build(
        dict(
            type='DepthDataset',
            data_root=str(tmp_path / 'out'),
            ann_file='annotations/test.json',
            require=('depth_path', 'sem_path'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadDepthAnnotation'),
                dict(type='LoadSemanticAnnotation'),
                dict(type='PackDepthInputs', to_rgb=True)
            ]))
    assert len(ds) == 2
    assert ds.semantic_classes == ('void', 'bed', 'chair')
    out = ds[1]  # frame 4 (1-based)
    img, s = out['inputs'], out['data_samples']
    assert img.shape == (3, 6, 8)
    assert tuple(img[:, 0, 1].tolist()) == (1, 2, 3)
    assert int(img[0, 3, 3]) == 30
    assert float(s.gt_depth[0, 0, 1]) == pytest.approx(0.25)
    assert float(s.gt_depth[0, 3, 3]) == pytest.approx(4.0)
    assert (s.gt_sem[:, 4:] == 2).all() and (s.gt_sem[:, :4] == 0).all()
    with pytest.raises(ValueError, match='outside 1..4'):
        convert_nyu_labeled_mat(
            str(mat), str(tmp_path / 'bad'), {'test': [0, 5]})
