# Copyright (c) mmsocket contributors. All rights reserved.
"""The short DDP run of ``tools/analysis/gpu_check.sh``: what it needs
(the quick start's ``--quick`` data and RGB source model, made untimed) and
its summary (iterations, peak memory of the ranks).

    python -m mmsocket.apis.benchmark.ddp_smoke prepare WORK_DIR
        -> prints the --cfg-options that point a synthetic SOCKET config
           at the data and the source model
    python -m mmsocket.apis.benchmark.ddp_smoke summary RUN_WORK_DIR SECONDS
"""
import argparse
import os.path as osp
from typing import List


def prepare(work_dir: str) -> List[str]:
    """Generate the quick data of the run's domain and train its source
    model (1 epoch) once; return the ``--cfg-options`` of a run on them."""
    from ..quickstart import Quickstart
    q = Quickstart(
        data=osp.join(work_dir, 'synthetic_rgbd_quick'),
        work_dir=osp.join(work_dir, 'source'),
        quick=True,
        verbose=True)
    from ...utils import register_all_modules
    register_all_modules(init_default_scope=True)
    # Only the domain the run reads: a quarter of the quick data's scenes.
    q.generate(domains=[q.domain])
    ckpt = q.train_source(source_seed=0)
    return [f'data_root={q.data}', f'source_checkpoints=[{ckpt}]']


def summary(run_dir: str, seconds: float) -> str:
    """One line: wall time, iterations logged, and (on a GPU) the peak of
    ``torch.cuda.max_memory_allocated`` that mmengine logs as ``memory``
    (MiB)."""
    from ..training_curves import find_scalars, read_curves
    curves = read_curves(find_scalars(run_dir))
    iters = max((max(it) for it, _ in curves.values() if len(it)), default=0)
    line = f'DDP run: {seconds:.0f} s wall, {int(iters)} iterations logged'
    if 'memory' in curves:
        peak = max(curves['memory'][1])
        line += f', peak CUDA memory {peak / 1024:.2f} GiB (rank 0)'
    else:
        line += ', no CUDA memory logged (CPU run)'
    return line


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('prepare')
    p.add_argument('work_dir')
    s = sub.add_parser('summary')
    s.add_argument('run_dir')
    s.add_argument('seconds', type=float)
    args = parser.parse_args(argv)
    if args.command == 'prepare':
        print(' '.join(prepare(args.work_dir)))
    else:
        print(summary(args.run_dir, args.seconds))


if __name__ == '__main__':
    main()
