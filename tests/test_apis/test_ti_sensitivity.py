# Copyright (c) mmsocket contributors. All rights reserved.
"""The L_TI sensitivity study: which runs it plans and how it reports."""
import json
import os.path as osp

import pytest

from mmsocket.apis.experiment import write_result
from mmsocket.apis.ti_sensitivity import SETTINGS, Sensitivity, slug
from tests.fixtures import write_tiny_dataset


def test_plan_sweeps_the_weights_and_forms_on_each_source_model(tmp_path):
    data = tmp_path / 'my_shapes'
    write_tiny_dataset(str(data), per_class=2, ti_per_class=1, size=(12, 16))
    # The study takes the depth range the converter recorded.
    (data / 'meta.json').write_text(json.dumps(dict(depth_range_m=[0, 5])))
    study = Sensitivity(
        datasets=['shapes'],
        source_seeds=[0, 1],
        seeds=[0, 1],
        work_dir=str(tmp_path),
        data_roots=dict(shapes=str(data)))
    assert len({slug(s) for s in SETTINGS}) == len(SETTINGS) == 16
    runs = study.runs()
    # Unadapted once per source model; every other setting per replicate.
    assert len(runs) == 2 + (len(SETTINGS) - 1) * 4
    run = study.run('shapes', 'SOCKET λ_TI 1.0 (mse), λ_d 0.5', 1, 0)
    cfg = run.build_config()
    assert cfg.model.ti_feature_loss.loss_weight == 1.0
    assert cfg.model.ti_feature_loss.mode == 'mse'
    assert cfg.model.bn_moment_loss.loss_weight == 0.5
    assert [s.checkpoint for s in cfg.model.sources
            ] == [osp.join(str(tmp_path), 'shapes/source/seed1/source.pth')]
    assert cfg.train_dataloader.dataset.streams.target.data_root == str(data)
    assert cfg.train_pipeline[0]['depth_range'] == (0, 5)
    assert cfg.randomness.seed == 0
    d0 = study.run('shapes', 'SOCKET λ_TI 0.5 (code), λ_d 0.0', 0, 1)
    assert d0.build_config().model.bn_moment_loss.loss_weight == 0.0
    source = study.source_run('shapes', 1).build_config()
    assert source.randomness.seed == 1
    assert source.work_dir == osp.join(str(tmp_path), 'shapes/source/seed1')
    with pytest.raises(ValueError, match='unknown'):
        Sensitivity(settings=['SOCKET λ_TI 7'])


def test_table_reports_every_replicate(tmp_path):
    study = Sensitivity(
        datasets=['synthetic', 'shapes'],
        source_seeds=[0, 1],
        settings=['Unadapted', 'SHOT'],
        work_dir=str(tmp_path))
    for s, acc in ((0, 10.0), (1, 20.0)):
        for dataset in ('synthetic', 'shapes'):
            run = study.run(dataset, 'Unadapted', s, 0)
            write_result(run.work_dir, metrics={'accuracy/top1': acc})
    run = study.run('synthetic', 'SHOT', 0, 0)
    write_result(run.work_dir, metrics={'accuracy/top1': 30.0})
    text = study.table()
    assert 'source seeds [0, 1] x adaptation seeds [0]' in text
    assert '| Unadapted | 15.00 ± 5.00 | 10.00 / 20.00 | 15.00 ± 5.00 |' \
        in text
    # SHOT has one of its two runs: no mean yet.
    assert '| SHOT | — | — | — | — |' in text
