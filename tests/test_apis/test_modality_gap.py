# Copyright (c) mmsocket contributors. All rights reserved.
"""The modality-gap study on a tiny data set: its accuracies are the
transfer matrix's, its CKA that of the paired TI features."""
import os.path as osp

import mmcv
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmsocket.apis import resolve_config, transfer_matrix
from mmsocket.apis.cka import linear_cka
from mmsocket.apis.inference import eval_loader_cfg, init_model
from mmsocket.apis.modality_gap import (classifier_features,
                                        format_modality_gap, modality_gap)
from tests.test_engine.test_socket_runner import ROOT


def tiny_unadapted(tmp_path, num_classes, data_root):
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/unadapted/synthetic/kv1_to_kv1.py'))
    cfg.model.backbone.update(stem_channels=8, base_channels=8)
    cfg.model.neck.in_channels = 64
    cfg.num_classes = num_classes
    cfg.data_root = data_root
    path = str(tmp_path / 'unadapted.py')
    cfg.dump(path)
    return path, resolve_config(cfg)


def test_gap_table_cka_and_figure(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    config, cfg = tiny_unadapted(tmp_path, num_classes, data_root)
    out = tmp_path / 'gap.png'
    kwargs = dict(
        source_domain='kv1',
        domains=['kv1'],
        held_out='tr_val',
        data_root=data_root,
        batch_size=8)
    result = modality_gap(config, ckpt, str(out), num_workers=0, **kwargs)
    assert result['rows'] == transfer_matrix(config, ckpt, **kwargs)
    assert result['chance'] == pytest.approx(100 / num_classes)
    # CKA of the TI pairs, computed here from the two passes.
    model = init_model(cfg.model, ckpt)
    feats = []
    for modality in ('rgb', 'depth'):
        loader = eval_loader_cfg(cfg, batch_size=4)
        loader.dataset.update(
            data_root=data_root,
            ann_file='annotations/ti.json',
            modality=modality,
            with_label=False)
        feats.append(
            classifier_features(model, Runner.build_dataloader(loader)))
    assert result['cka']['num_pairs'] == 6
    assert result['cka']['depth']['all'] == pytest.approx(linear_cka(*feats))
    assert 0 <= result['cka']['depth']['all'] <= 1
    assert not np.allclose(feats[0], feats[1])
    # The tiny TI pairs live under 'kv1_ti/...': no per-domain value.
    assert list(result['cka']['depth']) == ['all']
    text = format_modality_gap(result)
    assert '| rgb vs depth | ' \
        f'{result["cka"]["depth"]["all"]:.3f} |' in text
    assert '| evaluated on | kv1 (held out) | other domains (mean) |' in text
    image = mmcv.imread(str(out))
    assert image.shape[1] > image.shape[0] > 200
