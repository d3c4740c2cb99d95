# Copyright (c) mmsocket contributors. All rights reserved.
import os.path as osp

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmsocket.datasets.transforms import LoadModality, depth_to_uint8
from mmsocket.registry import TRANSFORMS
from tests.fixtures import write_png

# One row of hand-picked depths (mm) and their 8-bit values for the default
# range (0, 10) m: v = round(mm / 1000 / 10 * 255) = round(mm * 0.0255).
# (No exact .5 ties, so half-to-even rounding does not matter.)
DEPTH_MM = np.array([[0, 1, 100, 2500, 4000, 6000, 8000, 10000, 12000, 65535]],
                    dtype=np.uint16)
EXPECTED_0_10 = np.array(
    [[
        0,  # hole (no reading) -> 0
        0,  # 1 mm: 0.0255 -> 0
        3,  # 100 mm: 2.55 -> 3
        64,  # 2500 mm: 0.25 * 255 = 63.75 -> 64
        102,  # 4000 mm: 0.4 * 255 = 102
        153,  # 6000 mm: 0.6 * 255 = 153
        204,  # 8000 mm: 0.8 * 255 = 204
        255,  # 10000 mm: the far end
        255,  # 12000 mm: beyond the range -> clipped to 255
        255,  # 65535 mm: clipped
    ]],
    dtype=np.uint8)


def test_depth_to_uint8_default_range():
    np.testing.assert_array_equal(
        depth_to_uint8(DEPTH_MM, (0, 10)), EXPECTED_0_10)
    assert depth_to_uint8(DEPTH_MM, (0, 10)).dtype == np.uint8


def test_depth_to_uint8_other_range():
    depth = np.array([0, 300, 500, 1000, 2500, 4500, 6000], np.uint16)
    # range (0.5, 4.5) m: v = round((clip(m, .5, 4.5) - .5) / 4 * 255)
    expected = [
        0,  # hole -> 0
        0,  # 0.3 m clips to the near end 0.5 -> 0
        0,  # 0.5 m -> 0
        32,  # 1.0 m: 0.5 / 4 * 255 = 31.875 -> 32
        128,  # 2.5 m: 2 / 4 * 255 = 127.5 -> 128 (half to even)
        255,  # 4.5 m -> 255
        255,  # 6.0 m clips to 4.5 -> 255
    ]
    np.testing.assert_array_equal(depth_to_uint8(depth, (0.5, 4.5)), expected)


def test_depth_to_uint8_unit_scaling():
    # stored in 0.1 mm units: 25000 units = 2500 mm -> 64 (as above);
    # 40000 units = 4000 mm -> 102; 0 stays a hole
    stored = np.array([0, 25000, 40000], np.uint16)
    np.testing.assert_array_equal(
        depth_to_uint8(stored, (0, 10), unit_mm=0.1), [0, 64, 102])
    # 2 mm per unit: 1250 units = 2500 mm -> 64; 6000 units = 12 m -> 255
    stored = np.array([1250, 6000], np.uint16)
    np.testing.assert_array_equal(
        depth_to_uint8(stored, (0, 10), unit_mm=2), [64, 255])


@pytest.mark.parametrize('bad', [(5, 5), (10, 0)])
def test_depth_range_must_increase(bad):
    with pytest.raises(ValueError, match='increasing'):
        depth_to_uint8(np.zeros(2, np.uint16), bad)
    with pytest.raises(ValueError, match='increasing'):
        LoadModality(depth_range=bad)


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(0)
    paths = {}
    bgr = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    paths['rgb'] = str(tmp_path / 'rgb.png')
    write_png(paths['rgb'], bgr)
    paths['depth'] = str(tmp_path / 'depth.png')
    write_png(paths['depth'], DEPTH_MM)
    nir8 = np.array([[0, 7, 128, 255]], np.uint8)
    paths['nir'] = str(tmp_path / 'nir.png')
    write_png(paths['nir'], nir8)
    nir16 = np.array([[0, 1000, 25700, 65535]], np.uint16)
    paths['nir16'] = str(tmp_path / 'nir16.png')
    write_png(paths['nir16'], nir16)
    paths['depth8'] = str(tmp_path / 'depth8.png')
    write_png(paths['depth8'], np.full((3, 3), 100, np.uint8))
    paths['corrupt'] = str(tmp_path / 'corrupt.png')
    with open(paths['corrupt'], 'wb') as f:
        f.write(rng.integers(0, 256, 200, dtype=np.uint8).tobytes())
    return paths, dict(bgr=bgr, nir8=nir8, nir16=nir16)


def load(path, modality, **kwargs):
    return LoadModality(**kwargs)(dict(img_path=path, modality=modality))


def test_depth_decoded_and_replicated(images):
    paths, _ = images
    out = load(paths['depth'], 'depth')
    img = out['img']
    assert img.dtype == np.uint8 and img.shape == (1, 10, 3)
    for c in range(3):
        np.testing.assert_array_equal(img[..., c], EXPECTED_0_10)
    assert out['img_shape'] == (1, 10) and out['ori_shape'] == (1, 10)


def test_depth_through_registry_with_range_and_unit(images):
    init_default_scope('mmsocket')
    paths, _ = images
    t = TRANSFORMS.build(
        dict(type='LoadModality', depth_range=(0, 5), depth_unit_mm=2))
    # metres = mm_stored * 2 / 1000; v = round(min(m, 5) / 5 * 255):
    # 0 -> hole 0; 1 -> 0.002 m -> 0.102 -> 0; 100 -> 0.2 m -> 10.2 -> 10;
    # 2500 -> 5 m -> 255; everything above clips -> 255
    img = t(dict(img_path=paths['depth'], modality='depth'))['img']
    np.testing.assert_array_equal(
        img[0, :, 0], [0, 0, 10, 255, 255, 255, 255, 255, 255, 255])


def test_no_replicate_keeps_single_channel(images):
    paths, _ = images
    img = load(paths['depth'], 'depth', replicate=False)['img']
    assert img.shape == (1, 10)
    np.testing.assert_array_equal(img, EXPECTED_0_10)


def test_modality_argument_overrides_results(images):
    paths, _ = images
    # results say rgb, the transform forces depth -> 16-bit decoding
    out = LoadModality(modality='depth')(
        dict(img_path=paths['depth'], modality='rgb'))
    np.testing.assert_array_equal(out['img'][..., 0], EXPECTED_0_10)


def test_rgb_shape_and_values(images):
    paths, arrays = images
    img = load(paths['rgb'], 'rgb')['img']
    assert img.shape == (4, 5, 3) and img.dtype == np.uint8
    # BGR, as cv2 wrote it (PackInputs / the data preprocessor flip it).
    np.testing.assert_array_equal(img, arrays['bgr'])
    # No modality key at all defaults to RGB.
    img2 = LoadModality()(dict(img_path=paths['rgb']))['img']
    np.testing.assert_array_equal(img2, arrays['bgr'])


def test_nir_uint8_and_uint16(images):
    paths, arrays = images
    img = load(paths['nir'], 'nir')['img']
    assert img.shape == (1, 4, 3) and img.dtype == np.uint8
    for c in range(3):
        np.testing.assert_array_equal(img[..., c], arrays['nir8'])
    img = load(paths['nir16'], 'nir')['img']
    assert img.dtype == np.uint8
    # 16 -> 8 bit by /257: 0 -> 0; 1000/257 = 3.89 -> 4;
    # 25700/257 = 100; 65535/257 = 255
    for c in range(3):
        np.testing.assert_array_equal(img[..., c], [[0, 4, 100, 255]])


def test_eight_bit_depth_is_rejected(images):
    paths, _ = images
    with pytest.raises(OSError) as err:
        load(paths['depth8'], 'depth')
    msg = str(err.value)
    assert paths['depth8'] in msg and 'uint8' in msg and '16-bit' in msg


def test_colour_png_as_depth_is_rejected(images):
    # A 3-channel 8-bit image named as depth (e.g. a colourised depth map).
    paths, _ = images
    with pytest.raises(OSError, match='uint8'):
        load(paths['rgb'], 'depth')


@pytest.mark.parametrize('modality', ['rgb', 'depth', 'nir'])
def test_corrupt_png_names_path(images, modality):
    paths, _ = images
    with pytest.raises(OSError) as err:
        load(paths['corrupt'], modality)
    assert paths['corrupt'] in str(err.value)


@pytest.mark.parametrize('modality', ['rgb', 'depth', 'nir'])
def test_missing_file_names_path(tmp_path, modality):
    path = str(tmp_path / 'nowhere' / f'{modality}.png')
    assert not osp.exists(path)
    with pytest.raises(OSError) as err:
        load(path, modality)
    assert path in str(err.value)


def test_repr():
    r = repr(LoadModality(modality='depth', depth_range=(0, 8)))
    assert 'LoadModality' in r and "(0, 8)" in r
