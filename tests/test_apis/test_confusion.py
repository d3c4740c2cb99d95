# Copyright (c) mmsocket contributors. All rights reserved.
"""The confusion-matrix tool: hand-computed matrices from a tools/test.py
prediction dump, class names from the config, a malicious dump refused,
and the checkpoint route agreeing with the test loop."""
import os.path as osp
import pickle

import mmcv
import mmengine
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmsocket.apis import resolve_config
from mmsocket.apis.confusion import confusion_matrix, labels_of_dump
from mmsocket.apis.prediction_dump import (UnsafePredictionDumpError,
                                           load_prediction_dump)
from tests.fixtures import TR_CLASSES, write_tiny_dataset
from tests.test_engine.fault_injection import run_tool
from tests.test_engine.test_socket_runner import ROOT
from tools.test import main as tools_test_main

CONFIG = osp.join(ROOT, 'configs/unadapted/synthetic/kv1_to_kv1.py')


def dump(path, preds, gts, scores=False):
    """What mmengine's DumpResults writes for an mmpretrain DataSample."""
    results = []
    for i, (p, g) in enumerate(zip(preds, gts)):
        r = dict(
            sample_idx=i,
            img_path=f'images/{i}/depth.png',
            gt_label=torch.tensor([g]),
            num_classes=3)
        if scores:
            r['pred_score'] = torch.nn.functional.one_hot(torch.tensor(p),
                                                          3).float() * .8 + .05
        else:
            r['pred_label'] = torch.tensor([p])
        results.append(r)
    mmengine.dump(results, str(path))


def test_matrix_of_a_dump_equals_the_hand_count(tmp_path):
    root = tmp_path / 'data'
    write_tiny_dataset(str(root))
    preds = [0, 0, 1, 2, 2, 1, 0, 2]
    gts = [0, 1, 1, 2, 0, 1, 2, 2]
    for scores in (False, True):
        path = tmp_path / f'preds_{scores}.pkl'
        dump(path, preds, gts, scores)
        out = tmp_path / f'cm_{scores}.png'
        result = confusion_matrix(
            CONFIG,
            str(path),
            str(out),
            cfg_options={
                'data_root': str(root),
                'num_classes': None
            })
        # rows: true class; (true, pred) pairs 0-0, 1-0, 1-1, 2-2, 0-2,
        # 1-1, 2-0, 2-2
        assert result['matrix'].tolist() == [[1, 0, 1], [1, 2, 0], [1, 0, 2]]
        assert result['classes'] == list(TR_CLASSES)
        assert result['accuracy'] == pytest.approx(100 * 5 / 8)
        image = mmcv.imread(str(out))
        assert image.shape[0] > 300 and image.shape[1] > 300


def test_labels_of_dump_needs_ground_truth():
    with pytest.raises(KeyError, match='no gt_label'):
        labels_of_dump([dict(pred_label=torch.tensor([0]))])


class _Payload:

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_a_dump_that_runs_code_is_refused(tmp_path):
    marker = tmp_path / 'marker'
    path = tmp_path / 'evil.pkl'
    with open(path, 'wb') as f:
        pickle.dump([dict(gt_label=_Payload(str(marker)))], f, protocol=2)
    with pytest.raises(UnsafePredictionDumpError, match='io.open is not'):
        load_prediction_dump(str(path))
    assert not marker.exists()
    with open(path, 'wb') as f:
        pickle.dump({'not': 'a list'}, f)
    with pytest.raises(ValueError, match='not a prediction dump'):
        load_prediction_dump(str(path))


def test_test_tool_dump_and_checkpoint_agree(source_ckpt, tmp_path):
    """tools/test.py --out-item pred, then the tool on the dump and on the
    checkpoint: one matrix, whose diagonal is the test loop's accuracy."""
    data_root, ckpt, num_classes = source_ckpt
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.update(stem_channels=8, base_channels=8)
    cfg.model.neck.in_channels = 64
    cfg.num_classes = num_classes
    cfg.data_root = data_root
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
    for t in cfg.test_pipeline:
        if t['type'] == 'Resize':
            t['scale'] = (36, 36)
        if 'crop_size' in t:
            t['crop_size'] = 32
    cfg.test_dataloader.dataset.pipeline = cfg.test_pipeline
    config = str(tmp_path / 'unadapted.py')
    cfg.dump(config)
    preds = str(tmp_path / 'preds.pkl')
    # tools/test.py's main() in a forked process (not its imports again).
    assert run_tool(tools_test_main, [
        config, ckpt, '--out', preds, '--out-item', 'pred', '--work-dir',
        str(tmp_path / 'work')
    ]) == 0
    from_dump = confusion_matrix(config, preds, str(tmp_path / 'a.png'))
    from_ckpt = confusion_matrix(config, ckpt, str(tmp_path / 'b.png'))
    assert torch.equal(from_dump['matrix'], from_ckpt['matrix'])
    cfg.work_dir = str(tmp_path / 'work2')
    cfg.load_from = ckpt
    metrics = Runner.from_cfg(resolve_config(cfg)).test()
    assert from_ckpt['accuracy'] == pytest.approx(
        metrics['accuracy/top1'], abs=1e-4)
    assert from_ckpt['num_samples'] == 12
