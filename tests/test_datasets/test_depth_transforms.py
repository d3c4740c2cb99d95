# Copyright (c) mmsocket contributors. All rights reserved.
"""Depth / semantic loading, aligned geometric transforms and packing."""
import cv2
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmengine.structures import BaseDataElement

from mmsocket.datasets.transforms import (DenseCenterCrop, DenseRandomCrop,
                                          DenseRandomFlip, DenseRandomRotate,
                                          DenseResize, LoadDepthAnnotation,
                                          LoadSemanticAnnotation,
                                          PackDepthInputs)
from mmsocket.registry import TRANSFORMS

W, H = 20, 15


def _coded_sample(tmp_path, w=W, h=H):
    """An image whose pixels say where they are, and maps with the same
    code: any misalignment after a transform shows as a mismatch."""
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 10, yy * 10, np.full_like(xx, 7)],
                   axis=2).astype(np.uint8)
    code = (yy * W + xx + 1).astype(np.uint16)  # never 0 (= invalid)
    cv2.imwrite(str(tmp_path / 'img.png'), img)
    cv2.imwrite(str(tmp_path / 'depth.png'), code)
    cv2.imwrite(str(tmp_path / 'sem.png'), code)
    return dict(
        img_path=str(tmp_path / 'img.png'),
        depth_path=str(tmp_path / 'depth.png'),
        sem_path=str(tmp_path / 'sem.png'),
        inst_path=str(tmp_path / 'sem.png'),
        depth_scale=1000.0)


def _code_of_image(img):
    x = img[..., 0].astype(np.int64) // 10
    y = img[..., 1].astype(np.int64) // 10
    return y * W + x + 1


def test_load_depth_values(tmp_path):
    raw = np.array([[0, 1000, 1234], [65535, 1, 500]], np.uint16)
    cv2.imwrite(str(tmp_path / 'd.png'), raw)
    out = LoadDepthAnnotation()(dict(depth_path=str(tmp_path / 'd.png')))
    d = out['gt_depth']
    assert d.dtype == np.float32 and d.shape == (2, 3)
    np.testing.assert_allclose(
        d, [[0, 1.0, 1.234], [65.535, 0.001, 0.5]], rtol=1e-6)
    assert out['dense_fields'] == ['gt_depth']
    # The per-sample scale from the dataset, and max_depth -> invalid.
    out = LoadDepthAnnotation(max_depth=1.1)(
        dict(depth_path=str(tmp_path / 'd.png'), depth_scale=500.0))
    np.testing.assert_allclose(
        out['gt_depth'], [[0, 0, 0], [0, 0.002, 1.0]], rtol=1e-6)
    # 8-bit NYU-v2 training PNGs of Hu et al.: 255 <-> 10 m.
    cv2.imwrite(str(tmp_path / 'd8.png'), np.array([[0, 51, 255]], np.uint8))
    out = LoadDepthAnnotation(depth_scale=25.5)(
        dict(depth_path=str(tmp_path / 'd8.png')))
    np.testing.assert_allclose(out['gt_depth'], [[0, 2.0, 10.0]], rtol=1e-6)


def test_load_errors(tmp_path):
    with pytest.raises(KeyError, match='depth_path'):
        LoadDepthAnnotation()(dict(img_path='x.png'))
    with pytest.raises(KeyError, match='sem_path'):
        LoadSemanticAnnotation()(dict(img_path='x.png'))
    (tmp_path / 'bad.png').write_bytes(b'not a png')
    with pytest.raises(OSError, match='bad.png'):
        LoadDepthAnnotation()(dict(depth_path=str(tmp_path / 'bad.png')))
    with pytest.raises(OSError, match='missing.png'):
        LoadDepthAnnotation()(dict(depth_path=str(tmp_path / 'missing.png')))
    with pytest.raises(ValueError, match='depth_scale'):
        LoadDepthAnnotation(depth_scale=0)


def test_load_semantic_and_instance(tmp_path):
    sample = _coded_sample(tmp_path)
    out = LoadSemanticAnnotation(with_instance=True)(dict(sample))
    assert out['gt_sem'].dtype == np.uint16
    assert out['gt_sem'][2, 3] == 2 * W + 3 + 1
    assert out['dense_fields'] == ['gt_sem', 'gt_inst']


@pytest.mark.parametrize('geometric', [
    [dict(type='DenseRandomFlip', prob=1.0)],
    [dict(type='DenseRandomCrop', crop_size=(12, 9))],
    [dict(type='DenseCenterCrop', crop_size=(12, 9))],
    [
        dict(type='DenseResize', scale=(33, 27), interpolation='nearest'),
        dict(type='DenseRandomCrop', crop_size=(16, 16)),
        dict(type='DenseRandomFlip', prob=1.0)
    ],
    [dict(type='DenseResize', scale=(9, 7), interpolation='nearest')],
])
def test_geometry_keeps_maps_aligned(tmp_path, geometric):
    pipeline = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='LoadDepthAnnotation'),
        dict(type='LoadSemanticAnnotation', with_instance=True),
        *geometric,
        dict(type='PackDepthInputs'),  # BGR kept: x in channel 0
    ])
    for _ in range(3):  # several random draws
        out = pipeline(_coded_sample(tmp_path))
        img = out['inputs'].permute(1, 2, 0).numpy()
        expected = _code_of_image(img)
        s = out['data_samples']
        depth_code = np.round(s.gt_depth[0].numpy() * 1000).astype(np.int64)
        np.testing.assert_array_equal(depth_code, expected)
        np.testing.assert_array_equal(s.gt_sem.numpy(), expected)
        np.testing.assert_array_equal(s.gt_inst.numpy(), expected)
        assert tuple(s.img_shape) == img.shape[:2]


def test_flip_mirrors_the_pattern(tmp_path):
    pipeline = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='LoadDepthAnnotation'),
        dict(type='DenseRandomFlip', prob=1.0),
    ])
    out = pipeline(_coded_sample(tmp_path))
    # The left column now holds the old right column.
    np.testing.assert_allclose(
        out['gt_depth'][:, 0], (np.arange(H) * W + W) / 1000, rtol=1e-6)
    assert out['flip'] and out['flip_direction'] == 'horizontal'


def test_resize_from_another_resolution(tmp_path):
    # ScanNet-like: the depth file is smaller than the colour image.
    sample = _coded_sample(tmp_path)
    small = np.full((5, 4), 1500, np.uint16)
    cv2.imwrite(str(tmp_path / 'small.png'), small)
    sample['depth_path'] = str(tmp_path / 'small.png')
    pipeline = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='LoadDepthAnnotation'),
        dict(type='DenseResize', scale=(8, 6)),
        dict(type='PackDepthInputs'),
    ])
    out = pipeline(sample)
    assert out['inputs'].shape == (3, 6, 8)
    assert out['data_samples'].gt_depth.shape == (1, 6, 8)
    assert torch.all(out['data_samples'].gt_depth == 1.5)
    # Without the resize the packer refuses misaligned maps.
    bad = Compose(pipeline.transforms[:2] + pipeline.transforms[3:])
    with pytest.raises(ValueError, match='gt_depth'):
        bad(sample)
    with pytest.raises(ValueError, match='gt_depth'):
        Compose(pipeline.transforms[:2] + [DenseRandomCrop((3, 3))])(sample)


def test_pack_contract(tmp_path):
    sample = _coded_sample(tmp_path)
    base = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadDepthAnnotation'),
        dict(type='LoadSemanticAnnotation')
    ]
    out = Compose(base + [dict(type='PackDepthInputs')])(dict(sample))
    inputs, s = out['inputs'], out['data_samples']
    assert set(out) == {'inputs', 'data_samples'}
    assert inputs.dtype == torch.uint8 and inputs.shape == (3, H, W)
    assert isinstance(s, BaseDataElement)
    assert s.gt_depth.dtype == torch.float32 and s.gt_depth.shape == (1, H, W)
    assert s.gt_sem.dtype == torch.int64 and s.gt_sem.shape == (H, W)
    assert 'gt_inst' not in s
    assert s.img_path == sample['img_path']
    assert tuple(s.ori_shape) == (H, W) and tuple(s.img_shape) == (H, W)
    assert s.depth_scale == 1000.0
    # BGR kept (as PackInputs): the array cv2 wrote comes back as it was,
    # its last (red) channel being the constant 7.
    assert torch.all(inputs[2] == 7)
    rgb = Compose(base + [dict(type='PackDepthInputs', to_rgb=True)])(
        dict(sample))['inputs']
    assert torch.equal(rgb, inputs.flip(0))
    # Image only (a simulated set without depth, no semantic map).
    out = Compose(
        [dict(type='LoadImageFromFile'),
         dict(type='PackDepthInputs')])(
             dict(sample))
    assert 'gt_depth' not in out['data_samples']
    assert 'gt_sem' not in out['data_samples']


def test_registered_and_checked():
    for name in ('LoadDepthAnnotation', 'LoadSemanticAnnotation',
                 'DenseResize', 'DenseRandomFlip', 'DenseCenterCrop',
                 'DenseRandomCrop', 'PackDepthInputs'):
        assert TRANSFORMS.get(name) is not None, name
    assert isinstance(
        TRANSFORMS.build(dict(type='DenseResize', scale=8)), DenseResize)
    assert isinstance(
        TRANSFORMS.build(dict(type='DenseRandomFlip', prob=0.5)),
        DenseRandomFlip)
    with pytest.raises(ValueError, match='auto_pad'):
        DenseCenterCrop(8, auto_pad=True)
    with pytest.raises(ValueError, match='crop_size'):
        DenseRandomCrop((0, 4))
    img = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match='exceeds'):
        DenseRandomCrop((5, 4))(dict(img=img))
    with pytest.raises(KeyError, match='img'):
        PackDepthInputs()(dict())


def test_rotation_keeps_maps_aligned(tmp_path):
    """On a square image a 90 degree turn about the centre lands on pixel
    centres, so even the bilinear image stays exact and must agree with
    the maps everywhere."""
    pipeline = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='LoadDepthAnnotation'),
        dict(type='LoadSemanticAnnotation'),
        DenseRandomRotate(max_angle=0.0),
    ])
    out = pipeline(_coded_sample(tmp_path, w=14, h=14))
    assert out['rotate_angle'] == 0.0
    before = np.round(out['gt_depth'] * 1000).astype(np.int64)
    rot = DenseRandomRotate(max_angle=90.0)
    rot._angle = lambda: 90.0  # a fixed draw
    out = rot(out)
    depth_code = np.round(out['gt_depth'] * 1000).astype(np.int64)
    # mmcv turns positive angles clockwise.
    np.testing.assert_array_equal(depth_code, np.rot90(before, k=-1))
    np.testing.assert_array_equal(out['gt_sem'], depth_code)
    np.testing.assert_array_equal(_code_of_image(out['img']), depth_code)
    # Small angles: the corners are uncovered and read 0 in every map.
    rot._angle = lambda: 5.0
    out = rot(pipeline(_coded_sample(tmp_path, w=14, h=14)))
    assert out['gt_depth'][0, 0] == 0 and out['gt_sem'][0, 0] == 0
    with pytest.raises(ValueError, match='max_angle'):
        DenseRandomRotate(max_angle=-1)
