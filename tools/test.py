# Copyright (c) mmsocket contributors. All rights reserved.
"""Test a checkpoint and print (and optionally dump) its metrics.

Examples::

    python tools/test.py CONFIG CHECKPOINT [--out results.json]
    python tools/test.py CONFIG CHECKPOINT --show-dir vis [--interval 10]
    bash tools/dist_test.sh CONFIG CHECKPOINT 8

``--show-dir`` saves the test images with their true and predicted class
drawn on them (docs/visualization.md).

The checkpoint loads strictly: weights that do not fit the config's model
are an error, not a silently unadapted evaluation. The options and how they
change the config are in ``mmsocket/apis/runner_args.py`` (shared with
``tools/train.py``).
"""
from mmengine.config import Config
from mmengine.dist import is_main_process

from mmsocket.apis import (build_runner, launched, merge_test_args,
                           parse_test_args, preflight, report_metrics,
                           user_errors)


def main(argv=None):
    args = parse_test_args(argv)
    cfg = merge_test_args(Config.fromfile(args.config), args)
    # Missing data or checkpoints: the commands that make them, no traceback.
    preflight(cfg, 'test')
    try:
        with launched(cfg, args.launcher):
            runner = build_runner(cfg)
            metrics = runner.test()
            # Ask before the process group is gone (then every rank is 0).
            is_main = is_main_process()
            del runner
    except user_errors() as e:
        raise SystemExit(f'error: {e}') from e
    if is_main:
        report_metrics(metrics, args)
    return metrics


if __name__ == '__main__':
    main()
