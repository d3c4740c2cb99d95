# Copyright (c) mmsocket contributors. All rights reserved.
"""The runs ``tools/analysis/benchmark_run.py`` times: SOCKET, SHOT and
TGKT on the synthetic benchmark (Kinect v1 RGB -> depth, the quick start's
task) and DFDD on the synthetic depth domains, with what they need first
(the RGB source model, the TGMB translator), prepared untimed.

The configs are the shipped ones (``configs/<method>/synthetic/...``),
pointed at the data by the quick start's edits; ``--tiny`` generates the
quick start's ``--quick`` data and tiny depth domains instead, to check the
tool, not to measure. The DFDD teacher keeps random weights (the timing of
a step does not depend on them; no teacher run is needed).
"""
import dataclasses
import os.path as osp
from typing import Dict, Optional, Sequence

from mmengine.config import Config

from ..quickstart import Quickstart, source_checkpoints
from ..runs import ConfigEdit, Run, execute


def translator_of(tgmb: Run) -> ConfigEdit:
    """Load the translator that the TGMB run ``tgmb`` exports."""

    def edit(cfg: Config) -> None:
        cfg.model.translator_checkpoint = osp.join(tgmb.work_dir, 'tgmb.pth')

    return edit


METHODS = ('socket', 'shot', 'tgkt', 'dfdd')
DFDD_CONFIG = 'configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py'
TINY_DEPTH = dict(n_real_train=8, n_real_test=8, n_sim=32, size=(80, 60))


def _with_epochs(epochs: Optional[int]):

    def edit(cfg: Config) -> None:
        if epochs:
            cfg.train_cfg.max_epochs = epochs
            if 'val_interval' in cfg.train_cfg:
                cfg.train_cfg.val_interval = epochs

    return edit


def _dfdd_data(root: str):

    def edit(cfg: Config) -> None:
        cfg.model.teacher_ckpt = None  # random teacher: timing only
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(key):
                cfg[key].dataset.data_root = root

    return edit


def build_cases(work_root: str,
                methods: Sequence[str] = METHODS,
                data: Optional[str] = None,
                depth_data: Optional[str] = None,
                tiny: bool = False,
                epochs: Optional[int] = None,
                final_eval_only: bool = False) -> Dict[str, callable]:
    """Prepare what the runs need; return ``{method: work_dir -> Config}``.

    Args:
        work_root (str): Where the prerequisites and the timed runs write.
        data (str, optional): The synthetic benchmark (generated if
            missing). Defaults to the quick start's.
        depth_data (str, optional): The synthetic depth domains: used as
            they are if the directory holds them (any parameters), else
            generated there with the defaults. Defaults to
            ``data/synthetic_depth`` (tiny: ``<work_root>/
            synthetic_depth_tiny``), generated if missing.
        tiny (bool): Quick-start ``--quick`` data and 1 epoch.
        epochs (int, optional): Override every timed run's ``max_epochs``.
        final_eval_only (bool): Drop validation and test once at the end
            (what the grid does); by default the config's validation stays.
    """
    from ...utils import register_all_modules
    register_all_modules(init_default_scope=True)
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f'unknown methods {sorted(unknown)}; choose among '
                         f'{list(METHODS)}')
    epochs = epochs or (1 if tiny else None)
    q = Quickstart(
        data=data,
        work_dir=osp.join(work_root, 'prerequisites'),
        quick=tiny,
        verbose=True)  # no progress bars in timed runs
    runs: Dict[str, Run] = {}
    if set(methods) & {'socket', 'shot', 'tgkt'}:
        q.generate()
        ckpt = q.train_source(source_seed=0)
        src = source_checkpoints([ckpt])
        for m in ('socket', 'shot'):
            runs[m] = q.run_of(
                f'{m}/synthetic/kv1_to_kv1.py', m, 0, edits=[src])
        if 'tgkt' in methods:
            tgmb = q.run_of(
                'tgmb/synthetic/kv1_to_kv1.py', 'tgmb', 0, edits=[src])
            print('[prerequisite] TGMB translator')
            execute(tgmb)
            runs['tgkt'] = q.run_of(
                'tgkt/synthetic/kv1_to_kv1.py',
                'tgkt',
                0,
                edits=[src, translator_of(tgmb)])
    if 'dfdd' in methods:
        from ...synthetic import generate_depth_domains
        given = depth_data is not None
        depth_data = depth_data or (osp.join(work_root, 'synthetic_depth_tiny')
                                    if tiny else 'data/synthetic_depth')
        if given and osp.isfile(osp.join(depth_data, 'meta.json')):
            # A user's generated domains, whatever their parameters.
            print(f'[prerequisite] synthetic depth domains: {depth_data}')
        else:
            print(f'[prerequisite] synthetic depth domains in {depth_data}')
            generate_depth_domains(
                depth_data, seed=0, workers=1, **(TINY_DEPTH if tiny else {}))
        runs['dfdd'] = Run(
            DFDD_CONFIG,
            osp.join(work_root, 'dfdd'),
            seed=0,
            edits=(_dfdd_data(depth_data), ))

    def case(run: Run):

        def build(work_dir: str) -> Config:
            timed = dataclasses.replace(
                run,
                work_dir=work_dir,
                edits=(*run.edits, _with_epochs(epochs)))
            return timed.build_config(final_eval_only=final_eval_only)

        return build

    return {m: case(runs[m]) for m in methods}
