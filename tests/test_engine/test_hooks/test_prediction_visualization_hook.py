# Copyright (c) mmsocket contributors. All rights reserved.
"""tools/test.py --show-dir: predictions drawn onto the test images."""
import os
import os.path as osp
from unittest.mock import MagicMock, patch

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.structures import DataSample

from mmsocket.apis import parse_test_args
from mmsocket.apis.runner_args import merge_test_args
from mmsocket.engine.hooks import PredictionVisualizationHook
from mmsocket.engine.hooks.prediction_visualization_hook import \
    sample_file_name
from mmsocket.registry import DATASETS
from tests.test_engine.test_socket_runner import ROOT


def test_file_names_are_unique_and_readable():
    s = DataSample(metainfo=dict(img_path='d/images/kv1/bath/000017/x.png'))
    assert sample_file_name(s, 17) == '00017_kv1_bath_000017_x.png'
    assert sample_file_name(DataSample(), 3) == '00003.png'


def test_hook_draws_the_argmax_on_the_rgb_image():
    visualizer = MagicMock()
    hook = PredictionVisualizationHook(out_dir='vis', interval=2)
    images = [
        torch.stack(
            [torch.full((2, 2), c, dtype=torch.uint8) for c in (10, 20, 30)])
        for _ in range(3)
    ]
    samples = []
    for i in range(3):
        s = DataSample(metainfo=dict(sample_idx=i, img_path=f'{i}/depth.png'))
        s.set_gt_label(1).set_pred_score(torch.tensor([.1, .2, .7]))
        samples.append(s)
    with patch(
            'mmsocket.engine.hooks.prediction_visualization_hook.'
            'Visualizer.get_current_instance',
            return_value=visualizer):
        hook.after_test_iter(None, 0, dict(inputs=images), samples)
    calls = visualizer.visualize_cls.call_args_list
    assert [c.kwargs['out_file'] for c in calls] == [
        osp.join('vis', '00000_0_depth.png'),
        osp.join('vis', '00002_2_depth.png')
    ]
    drawn = calls[0].kwargs['data_sample']
    assert drawn.pred_label.tolist() == [2]
    assert 'pred_label' not in samples[0]  # the outputs are not changed
    # BGR input (10, 20, 30) shown as RGB (30, 20, 10)
    assert calls[0].kwargs['image'][0, 0].tolist() == [30, 20, 10]


def test_show_dir_writes_one_drawn_image_per_sample(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/unadapted/synthetic/kv1_to_kv1.py'))
    cfg.model.backbone.update(stem_channels=8, base_channels=8)
    cfg.model.neck.in_channels = 64
    cfg.num_classes = num_classes
    cfg.data_root = data_root
    cfg.test_dataloader.update(
        num_workers=0, persistent_workers=False, batch_size=5)
    cfg.log_level = 'WARNING'
    show = tmp_path / 'show'
    config = str(tmp_path / 'unadapted.py')
    cfg.dump(config)
    args = parse_test_args([
        config, ckpt, '--show-dir',
        str(show), '--interval', '5', '--work-dir',
        str(tmp_path / 'work')
    ])
    cfg = merge_test_args(Config.fromfile(config), args)
    from mmengine.runner import Runner
    Runner.from_cfg(cfg).test()
    names = sorted(os.listdir(show))
    assert names == [
        '00000_kv1_bathroom_000000_depth.png',
        '00005_kv1_kitchen_000001_depth.png',
        '00010_kv1_office_000002_depth.png'
    ]
    dataset = DATASETS.build(
        dict(cfg.test_dataloader.dataset, pipeline=cfg.test_pipeline))
    for name in names:
        drawn = mmcv.imread(str(show / name))  # BGR
        assert drawn.shape == (256, 256, 3)
        net_input = dataset[int(name[:5])]['inputs'].permute(1, 2, 0).numpy()
        expected = mmcv.imresize(net_input, (256, 256))
        # Below the text box the picture is the network's input, enlarged.
        assert np.abs(drawn[128:].astype(int) -
                      expected[128:].astype(int)).max() <= 1
        assert not np.array_equal(drawn[:40], expected[:40])  # the text


def test_interval_must_be_positive():
    with pytest.raises(ValueError, match='interval'):
        PredictionVisualizationHook('x', interval=0)
