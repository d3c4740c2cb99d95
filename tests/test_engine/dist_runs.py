# Copyright (c) mmsocket contributors. All rights reserved.
"""Train several configs one after another on the ranks of one torchrun
launch, as ``tools/train.py --launcher pytorch`` trains each.

Usage (what the test runs)::

    torchrun --nproc_per_node=2 tests/test_engine/dist_runs.py SPEC.json

``SPEC.json`` holds ``{"out": path, "runs": [{"name": ..., "argv": [...]},
...]}``; rank 0 writes ``{name: final validation metrics}`` to ``out``.
One process group serves every run: starting a launch per algorithm would
cost more than the tiny trainings themselves.
"""
import json
import sys

from mmengine.config import Config
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS


@HOOKS.register_module(force=True)
class ValMetricsProbeHook(Hook):
    """Test only: keep the metrics of the last validation."""

    def __init__(self) -> None:
        self.metrics = None

    def after_val_epoch(self, runner, metrics=None) -> None:
        self.metrics = {k: float(v) for k, v in (metrics or {}).items()}


def main(spec_path: str) -> None:
    import torch.distributed as dist

    from mmsocket.apis import (build_runner, launched, merge_train_args,
                               parse_train_args)
    from mmsocket.utils import (cleanup_distributed, init_cpu_dist,
                                work_dir_lock)
    from tests.runner_memo import memoize_runner_formatting
    memoize_runner_formatting()  # as in the test process (tests/conftest.py)
    with open(spec_path) as f:
        spec = json.load(f)
    init_cpu_dist('pytorch')
    results = {}
    for run in spec['runs']:
        args = parse_train_args([*run['argv'], '--launcher', 'pytorch'])
        cfg = merge_train_args(Config.fromfile(args.config), args)
        cfg.custom_hooks = list(cfg.get(
            'custom_hooks', [])) + [dict(type='ValMetricsProbeHook')]
        # The group exists already, so launched() only adapts the config
        # (and checks the ranks agree); it closes nothing.
        with launched(cfg, 'pytorch'), work_dir_lock(cfg.work_dir):
            runner = build_runner(cfg)
            runner.train()
            probe = next(
                h for h in runner.hooks if isinstance(h, ValMetricsProbeHook))
            results[run['name']] = probe.metrics
            del runner, probe
    if dist.get_rank() == 0:
        with open(spec['out'], 'w') as f:
            json.dump(results, f, indent=1)
    cleanup_distributed(True)


if __name__ == '__main__':
    main(sys.argv[1])
