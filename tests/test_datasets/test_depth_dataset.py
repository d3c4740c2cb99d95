# Copyright (c) mmsocket contributors. All rights reserved.
"""DepthDataset: the annotation format, start-up checks, clear errors."""
import json

import cv2
import numpy as np
import pytest

from mmsocket.datasets import DepthDataset
from mmsocket.registry import DATASETS

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
    dict(type='LoadSemanticAnnotation'),
    dict(type='PackDepthInputs'),
]


def _tree(root, n=3, with_depth=True, meta=None):
    (root / 'rgb').mkdir(parents=True)
    (root / 'depth').mkdir()
    (root / 'sem').mkdir()
    recs = []
    for i in range(n):
        cv2.imwrite(
            str(root / 'rgb' / f'{i}.png'), np.full((6, 8, 3), 10 * i,
                                                    np.uint8))
        cv2.imwrite(
            str(root / 'depth' / f'{i}.png'),
            np.full((6, 8), 1000 * (i + 1), np.uint16))
        cv2.imwrite(
            str(root / 'sem' / f'{i}.png'), np.full((6, 8), i, np.uint16))
        rec = {'img_path': f'rgb/{i}.png', 'sem_path': f'sem/{i}.png'}
        if with_depth:
            rec['depth_path'] = f'depth/{i}.png'
        recs.append(rec)
    metainfo = {'depth_scale': 1000, 'semantic_classes': ['a', 'b', 'c']}
    metainfo.update(meta or {})
    (root / 'ann.json').write_text(
        json.dumps({
            'metainfo': metainfo,
            'data_list': recs
        }))
    return recs


def test_reads_the_format(tmp_path):
    _tree(tmp_path, meta={'depth_scale': 500})
    ds = DATASETS.build(
        dict(
            type='DepthDataset',
            data_root=str(tmp_path),
            ann_file='ann.json',
            require=('depth_path', ),
            pipeline=PIPELINE))
    assert isinstance(ds, DepthDataset) and len(ds) == 3
    assert ds.semantic_classes == ('a', 'b', 'c')
    assert ds.metainfo['depth_scale'] == 500
    info = ds.get_data_info(1)
    assert info['img_path'] == str(tmp_path / 'rgb' / '1.png')
    assert info['depth_path'] == str(tmp_path / 'depth' / '1.png')
    s = ds[1]['data_samples']
    # 2000 stored units at 500 units per metre.
    assert float(s.gt_depth.unique()) == pytest.approx(4.0)
    assert int(s.gt_sem.unique()) == 1
    assert s.sample_idx == 1


def test_depth_optional_unless_required(tmp_path):
    _tree(tmp_path, with_depth=False)
    ds = DepthDataset(
        'ann.json',
        data_root=str(tmp_path),
        require=('sem_path', ),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadSemanticAnnotation'),
            dict(type='PackDepthInputs')
        ])
    assert 'gt_depth' not in ds[0]['data_samples']
    with pytest.raises(KeyError, match='depth_path'):
        DepthDataset(
            'ann.json', data_root=str(tmp_path), require=('depth_path', ))
    # A pipeline that needs depth names the sample that lacks it.
    ds = DepthDataset('ann.json', data_root=str(tmp_path), pipeline=PIPELINE)
    with pytest.raises(KeyError, match='depth_path'):
        ds[0]
    with pytest.raises(ValueError, match='unknown keys'):
        DepthDataset('ann.json', data_root=str(tmp_path), require=('x', ))


def test_clear_errors(tmp_path):
    recs = _tree(tmp_path)
    (tmp_path / 'depth' / '2.png').unlink()
    with pytest.raises(FileNotFoundError, match='depth_path=.*2.png'):
        DepthDataset('ann.json', data_root=str(tmp_path))
    ds = DepthDataset(
        'ann.json',
        data_root=str(tmp_path),
        check_files=False,
        pipeline=PIPELINE)
    with pytest.raises(OSError, match='2.png'):
        ds[2]
    (tmp_path / 'rgb' / '0.png').write_bytes(b'corrupt')
    with pytest.raises(Exception, match='0.png'):
        ds[0]
    (tmp_path / 'empty.json').write_text(
        json.dumps({
            'metainfo': {},
            'data_list': []
        }))
    with pytest.raises(ValueError, match='no samples'):
        DepthDataset('empty.json', data_root=str(tmp_path))
    (tmp_path / 'list.json').write_text(json.dumps(recs))
    with pytest.raises(ValueError, match='metainfo'):
        DepthDataset('list.json', data_root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match='nothing.json'):
        DepthDataset('nothing.json', data_root=str(tmp_path))
    (tmp_path / 'noimg.json').write_text(
        json.dumps({
            'metainfo': {},
            'data_list': [{
                'sem_path': 'x'
            }]
        }))
    with pytest.raises(KeyError, match='img_path'):
        DepthDataset('noimg.json', data_root=str(tmp_path))
