# Copyright (c) mmsocket contributors. All rights reserved.
"""Image statistics of a depth data root, on images whose values are known
by hand."""
import json

import cv2
import numpy as np
import pytest

from mmsocket.apis import (depth_domain_stats, format_depth_domain_stats,
                           image_set_stats)


def _tree(root):
    """Two 4x4 images: pure red (saturation 255, flat) and a grey checker;
    depth 2 m with one invalid pixel, then 4 m; 1 and 2 semantic ids."""
    for d in ('rgb', 'depth', 'sem', 'annotations'):
        (root / d).mkdir()
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 2] = 255  # BGR
    checker = np.indices((4, 4)).sum(0) % 2 * 200
    grey = np.repeat(checker[..., None], 3, 2).astype(np.uint8)
    d0 = np.full((4, 4), 2000, np.uint16)
    d0[0, 0] = 0
    d1 = np.full((4, 4), 4000, np.uint16)
    s0 = np.zeros((4, 4), np.uint16)
    s1 = np.zeros((4, 4), np.uint16)
    s1[2:] = 3
    recs = []
    for i, (img, d, s) in enumerate(((red, d0, s0), (grey, d1, s1))):
        cv2.imwrite(str(root / 'rgb' / f'{i}.png'), img)
        cv2.imwrite(str(root / 'depth' / f'{i}.png'), d)
        cv2.imwrite(str(root / 'sem' / f'{i}.png'), s)
        recs.append(
            dict(
                img_path=f'rgb/{i}.png',
                depth_path=f'depth/{i}.png',
                sem_path=f'sem/{i}.png'))
    (root / 'annotations' / 'all.json').write_text(
        json.dumps(dict(metainfo=dict(depth_scale=1000), data_list=recs)))
    (root / 'annotations' / 'rgb_only.json').write_text(
        json.dumps(dict(data_list=[dict(img_path='rgb/0.png')])))
    return grey


def test_image_set_stats_by_hand(tmp_path):
    grey = _tree(tmp_path)
    s = image_set_stats(str(tmp_path), 'annotations/all.json')
    assert s['images'] == 2
    # Red: (255, 0, 0) on 16 px; checker: 100 on average in every channel.
    assert s['mean_rgb'] == pytest.approx((177.5, 50.0, 50.0))
    # HSV saturation 255 for pure red, 0 for grey.
    assert s['saturation'] == pytest.approx(127.5)
    lap = cv2.Laplacian(grey[..., 0], cv2.CV_64F).var()
    assert lap > 0  # a flat image has none, the checker a lot
    assert s['laplacian_var'] == pytest.approx(lap / 2)
    # 31 of 32 pixels valid; mean of 15 x 2 m and 16 x 4 m.
    assert s['valid_depth'] == pytest.approx(31 / 32)
    assert s['mean_depth'] == pytest.approx((15 * 2 + 16 * 4) / 31)
    assert s['classes_per_image'] == pytest.approx(1.5)
    # num limits the records read.
    assert image_set_stats(
        str(tmp_path), 'annotations/all.json',
        num=1)['mean_rgb'] == pytest.approx((255, 0, 0))


def test_missing_maps_give_dashes_and_bad_input_a_clear_error(tmp_path):
    _tree(tmp_path)
    s = image_set_stats(str(tmp_path), 'annotations/rgb_only.json')
    assert s['valid_depth'] is None and s['classes_per_image'] is None
    row = format_depth_domain_stats({'rgb_only': s})[2]
    assert row.startswith('| rgb_only | 1 | (255, 0, 0) | 255.0 | 0 | — |')
    with pytest.raises(FileNotFoundError, match='generate_synthetic_depth'):
        depth_domain_stats(str(tmp_path))
    (tmp_path / 'rgb' / '0.png').unlink()
    with pytest.raises(FileNotFoundError, match='annotation file'):
        image_set_stats(str(tmp_path), 'annotations/rgb_only.json')


def test_depth_domain_stats_reads_every_file_meta_names(tmp_path):
    _tree(tmp_path)
    (tmp_path / 'meta.json').write_text(
        json.dumps(dict(annotations=dict(a='annotations/all.json'))))
    stats = depth_domain_stats(str(tmp_path))
    assert list(stats) == ['a'] and stats['a']['images'] == 2
    lines = format_depth_domain_stats(stats)
    assert lines[0].startswith('| file | images | mean RGB |')
    assert '96.9 %' in lines[2] and '3.03 m' in lines[2]
