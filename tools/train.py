# Copyright (c) mmsocket contributors. All rights reserved.
"""Train a model from a config (mmpretrain-style ``tools/train.py``).

Examples::

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
    bash tools/dist_train.sh CONFIG 8            # torchrun, GPUs or CPUs

The options and how they change the config are in
``mmsocket/apis/runner_args.py`` (shared with ``tools/test.py``).
"""
from mmengine.config import Config

from mmsocket.apis import (build_runner, launched, merge_train_args,
                           parse_train_args, preflight, user_errors)
from mmsocket.utils import work_dir_lock


def main(argv=None):
    args = parse_train_args(argv)
    cfg = merge_train_args(Config.fromfile(args.config), args)
    # Missing data or checkpoints: the commands that make them, no traceback.
    preflight(cfg, 'train')
    try:
        # The process group opens before the Runner: on CPU it is gloo and
        # the DDP wrapper gets no CUDA device ids. The work dir is locked
        # before the Runner writes anything into it.
        with launched(cfg, args.launcher), work_dir_lock(cfg.work_dir):
            runner = build_runner(cfg)
            runner.train()
            # Nothing may hold the process group when it is destroyed.
            del runner
    except user_errors() as e:
        raise SystemExit(f'error: {e}') from e


if __name__ == '__main__':
    main()
