# Copyright (c) mmsocket contributors. All rights reserved.
"""Image-blind depth baselines on a tree whose scores are known by hand."""
import json

import cv2
import numpy as np
import pytest

from mmsocket.apis import depth_baselines, format_depth_baselines

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
    dict(type='PackDepthInputs'),
]


def _tree(root):
    """Three 4x4 images; image i: left half i+1 m, right half 2(i+1) m."""
    (root / 'rgb').mkdir()
    (root / 'depth').mkdir()
    recs = []
    for i in range(3):
        cv2.imwrite(
            str(root / 'rgb' / f'{i}.png'), np.zeros((4, 4, 3), np.uint8))
        depth = np.full((4, 4), 1000 * (i + 1), np.uint16)
        depth[:, 2:] *= 2
        cv2.imwrite(str(root / 'depth' / f'{i}.png'), depth)
        recs.append(dict(img_path=f'rgb/{i}.png', depth_path=f'depth/{i}.png'))
    (root / 'ann.json').write_text(
        json.dumps(dict(metainfo=dict(depth_scale=1000), data_list=recs)))


def test_depth_baselines(tmp_path):
    _tree(tmp_path)
    dataset = dict(
        type='DepthDataset',
        data_root=str(tmp_path),
        ann_file='ann.json',
        pipeline=PIPELINE)
    config = tmp_path / 'cfg.py'
    config.write_text(f'train_dataloader = dict(dataset={dataset!r})\n'
                      f'test_dataloader = dict(dataset={dataset!r})\n'
                      "test_evaluator = dict(type='DepthMetric')\n")
    result = depth_baselines(str(config))
    # Depths 1, 2, 3 (left) and 2, 4, 6 (right): the median is 2; the mean
    # map is 2 on the left, 4 on the right.
    assert result['num_train'] == 3 and result['median'] == 2.0
    constant = result['scores']['constant (train median)']
    mean_map = result['scores']['mean map (train average)']
    # |2 - d| / d per image: (1 + 0) / 2, (0 + 1/2) / 2, (1/3 + 2/3) / 2.
    assert constant['abs_rel'] == pytest.approx((0.5 + 0.25 + 0.5) / 3)
    # (1 + 1) / 2, (0 + 0) / 2, (1/3 + 1/3) / 2.
    assert mean_map['abs_rel'] == pytest.approx((1 + 0 + 1 / 3) / 3)
    lines = format_depth_baselines(result)
    assert lines[0] == '3 training maps; median valid depth 2.000 m\n'
    assert lines[1] == '| predictor | REL | δ1 | RMSE | log10 |'
    assert lines[3].startswith('| constant (train median) | 0.417 | ')


def test_depth_baselines_tool_moves_the_data_root(tmp_path, capsys):
    """``--cfg-options data_root=...`` reaches both datasets of a config
    that reads ``${data_root}``, as the shipped depth configs do."""
    import importlib.util
    import os.path as osp
    _tree(tmp_path)
    dataset = dict(
        type='DepthDataset',
        data_root='${data_root}',
        ann_file='ann.json',
        pipeline=PIPELINE)
    config = tmp_path / 'cfg.py'
    config.write_text("data_root = 'data/nowhere'\n"
                      f'train_dataloader = dict(dataset={dataset!r})\n'
                      f'test_dataloader = dict(dataset={dataset!r})\n'
                      "test_evaluator = dict(type='DepthMetric')\n")
    tool = osp.join(
        osp.dirname(__file__), '..', '..', 'tools', 'analysis',
        'depth_baselines.py')
    spec = importlib.util.spec_from_file_location('depth_baselines_tool', tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores = module.main(
        [str(config), '--cfg-options', f'data_root={tmp_path}'])
    assert scores['mean map (train average)']['abs_rel'] == pytest.approx(
        (1 + 0 + 1 / 3) / 3)
    assert '3 training maps' in capsys.readouterr().out
