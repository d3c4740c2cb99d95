# Copyright (c) mmsocket contributors. All rights reserved.
"""What ``benchmark_run.py`` times: the cases ``build_cases`` prepares (the
DFDD one here: it needs no source model, so the test stays light; the
source-model cases run end to end in test_benchmark_run.py)."""
import json
import os.path as osp

import pytest

from mmsocket.apis.benchmark.run_cases import (DFDD_CONFIG, TINY_DEPTH,
                                               build_cases)


def test_unknown_method_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ValueError, match=r"unknown methods \['sockett'\]"):
        build_cases(str(tmp_path), methods=['sockett'], tiny=True)


def test_tiny_dfdd_case_builds_the_shipped_config_on_tiny_data(tmp_path):
    root = str(tmp_path / 'bench')
    cases = build_cases(root, methods=['dfdd'], tiny=True)
    assert list(cases) == ['dfdd']
    data = osp.join(root, 'synthetic_depth_tiny')
    with open(osp.join(data, 'meta.json')) as f:
        generator = json.load(f)['generator']
    assert generator['n_real_train'] == TINY_DEPTH['n_real_train']
    assert generator['size'] == list(TINY_DEPTH['size'])

    cfg = cases['dfdd'](str(tmp_path / 'timed'))
    assert cfg.work_dir == str(tmp_path / 'timed')
    assert cfg.model.teacher_ckpt is None  # random teacher: timing only
    assert cfg.train_cfg.max_epochs == 1  # tiny: one epoch
    assert cfg.train_dataloader.dataset.data_root == data
    assert cfg.test_dataloader.dataset.data_root == data
    # By default the config's validation stays (the run as a user runs it).
    assert cfg.val_dataloader.dataset.data_root == data

    # The same case, as the grid runs it: validation dropped, epochs given;
    # --depth-data naming domains of other parameters (tiny here, not the
    # defaults) uses them as they are instead of refusing to regenerate.
    graded = build_cases(
        root,
        methods=['dfdd'],
        epochs=2,
        final_eval_only=True,
        depth_data=data)['dfdd'](
            str(tmp_path / 'timed2'))
    assert graded.train_cfg.max_epochs == 2
    assert graded.val_dataloader is None
    assert graded.filename.endswith(osp.basename(DFDD_CONFIG))


def test_setup_cache_changes_no_result(tmp_path):
    """``run`` and ``run_nosetupcache`` of the tiny DFDD case, one round:
    the same metrics, and the report lists both."""
    from mmsocket.apis.benchmark.whole_run import (benchmark_runs,
                                                   whole_run_table)
    from mmsocket.utils import uncache_run_setup
    cases = build_cases(str(tmp_path / 'bench'), methods=['dfdd'], tiny=True)
    try:
        results = benchmark_runs(
            cases,
            str(tmp_path / 'timed'),
            rounds=1,
            kinds=['run_nosetupcache', 'run'])
    finally:
        uncache_run_setup()
    assert results['dfdd/run'][0]['metrics'] == results[
        'dfdd/run_nosetupcache'][0]['metrics']
    text = whole_run_table(results, 1)
    assert '| dfdd | run_nosetupcache |' in text and '| dfdd | run |' in text
