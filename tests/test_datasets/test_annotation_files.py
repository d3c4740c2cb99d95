# Copyright (c) mmsocket contributors. All rights reserved.
"""One annotation reader and one depth reader for every dataset class:
malformed files are reported by path and position, a SOCKET "path label"
list names the importer, 8-bit depth is refused alike everywhere."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest

from mmsocket.datasets import DepthDataset, MultiModalDataset
from mmsocket.datasets.transforms import LoadDepthAnnotation, LoadModality
from mmsocket.registry import DATASETS
from tests.fixtures import write_tiny_dataset

BROKEN = '{"metainfo": {"classes": ["a"]},\n "data_list": [\n  {"x": 1,}\n]}'


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return write_tiny_dataset(tmp_path_factory.mktemp('tiny'))


def test_malformed_json_names_file_line_and_column(tmp_path, tiny):
    path = tmp_path / 'broken.json'
    path.write_text(BROKEN)
    for cls, kwargs in ((MultiModalDataset, dict(modality='depth')),
                        (DepthDataset, {})):
        with pytest.raises(ValueError) as err:
            cls(ann_file=str(path),
                data_root=tiny['data_root'],
                serialize_data=False,
                **kwargs)
        msg = str(err.value)
        # The trailing comma on line 3 is at column 11.
        assert str(path) in msg and 'line 3, column 11' in msg, msg


def test_socket_path_label_list_names_the_importer(tmp_path, tiny):
    path = tmp_path / 'kv1com_depth_list.txt'
    path.write_text('../data/SUN/kv1com_depth/bathroom/0001.png 0\n'
                    '../data/SUN/kv1com_depth/bathroom/0002.png 0\n')
    with pytest.raises(ValueError) as err:
        MultiModalDataset(
            ann_file=str(path),
            data_root=tiny['data_root'],
            modality='depth',
            serialize_data=False)
    msg = str(err.value)
    assert str(path) in msg
    assert 'tools/dataset_converters/socket_layout.py' in msg


def test_other_formats_are_refused_by_name(tmp_path, tiny):
    # A pickled annotation file would run code when read: JSON only.
    path = tmp_path / 'ann.pkl'
    path.write_bytes(b'\x80\x04N.')
    with pytest.raises(ValueError, match='not a .json file'):
        MultiModalDataset(
            ann_file=str(path),
            data_root=tiny['data_root'],
            serialize_data=False)


def test_missing_annotation_file_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        MultiModalDataset(
            ann_file='annotations/kv1_tr.json',
            data_root=str(tmp_path),
            serialize_data=False)
    assert 'paired_folders.py' in str(err.value)
    assert osp.join(str(tmp_path), 'annotations/kv1_tr.json') in str(err.value)


def _depth_set(root, depth, depth_scale=None):
    cv2.imwrite(str(root / 'rgb.png'), np.zeros((4, 4, 3), np.uint8))
    cv2.imwrite(str(root / 'depth.png'), depth)
    meta = {} if depth_scale is None else {'depth_scale': depth_scale}
    (root / 'ann.json').write_text(
        json.dumps({
            'metainfo':
            meta,
            'data_list': [{
                'img_path': 'rgb.png',
                'depth_path': 'depth.png'
            }]
        }))
    return DATASETS.build(
        dict(
            type='DepthDataset',
            data_root=str(root),
            ann_file='ann.json',
            serialize_data=False,
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadDepthAnnotation')
            ]))


def test_depth_dataset_refuses_8bit_depth_in_millimetres(tmp_path):
    # The same file MultiModalDataset refuses: read as millimetres it would
    # be 0-0.255 m.
    ds = _depth_set(tmp_path, np.full((4, 4), 200, np.uint8))
    with pytest.raises(OSError) as err:
        ds[0]
    msg = str(err.value)
    assert str(tmp_path / 'depth.png') in msg and 'uint8' in msg
    assert 'depth_scale' in msg  # what to set for real 8-bit depth


def test_depth_dataset_reads_8bit_depth_with_its_scale(tmp_path):
    # Hu et al.'s NYU-v2 training maps: 255 = 10 m (25.5 units per metre).
    ds = _depth_set(tmp_path, np.full((4, 4), 51, np.uint8), 25.5)
    np.testing.assert_allclose(ds[0]['gt_depth'], 2.0, rtol=1e-6)


def test_multi_modal_dataset_and_depth_dataset_share_the_rule(tmp_path):
    depth8 = str(tmp_path / 'd8.png')
    cv2.imwrite(depth8, np.full((4, 4), 200, np.uint8))
    with pytest.raises(OSError, match='8-bit'):
        LoadModality()(dict(img_path=depth8, modality='depth'))
    with pytest.raises(OSError, match='8-bit'):
        LoadDepthAnnotation()(dict(depth_path=depth8))
    # A stated unit makes 8-bit depth readable in both: 40 mm per value.
    img = LoadModality(
        depth_range=(0, 10),
        depth_unit_mm=40)(dict(img_path=depth8, modality='depth'))['img']
    assert img[0, 0, 0] == round(200 * 0.04 / 10 * 255)
    gt = LoadDepthAnnotation(depth_scale=25.0)(dict(depth_path=depth8))
    np.testing.assert_allclose(gt['gt_depth'], 8.0, rtol=1e-6)
