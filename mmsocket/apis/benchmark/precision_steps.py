# Copyright (c) mmsocket contributors. All rights reserved.
"""The step benchmark of ``tools/analysis/gpu_check.sh``: bare vs SOCKET in
fp32, AMP and AMP + channels_last, one report each, from one process. The
memory runs are one fresh subprocess per variant; the timing runs of the
three precisions share one subprocess, one precision after the other, each
with its own models and optimizer wrappers
(:func:`.socket_step_runner.benchmark_socket_steps`).

    python -m mmsocket.apis.benchmark.precision_steps OUT_DIR --scale tiny \\
        --device cpu --amp bf16 [--amp-no-memory]
        -> OUT_DIR/step_fp32.md, step_<amp>.md, step_<amp>_channels_last.md
"""
import argparse
import os.path as osp
from typing import List, Optional, Sequence

from .socket_step import AMP_DTYPES, SCALES
from .socket_step_runner import benchmark_socket_steps


def precision_names(amp: str) -> List[str]:
    """The three precisions, as in the report files' names."""
    return ['fp32', amp, f'{amp}_channels_last']


def precision_steps(out_dir: str,
                    scale: str,
                    device: str,
                    amp: str,
                    amp_memory: bool = True) -> List[str]:
    """Run the three precisions; return the report files written. Exits
    with an error (after writing all three) when a subprocess failed."""
    options = ({}, dict(amp=amp, no_memory=not amp_memory),
               dict(amp=amp, channels_last=True, no_memory=not amp_memory))
    names = precision_names(amp)
    written = [osp.join(out_dir, f'step_{name}.md') for name in names]
    print(
        f'== step benchmark, {scale} scale, {device}: ' + ', '.join(names),
        flush=True)
    benchmark_socket_steps(
        [dict(opts, out=out) for opts, out in zip(options, written)],
        names,
        strict=True,
        scales=[scale],
        sources=[1],
        variants=['bare', 'socket'],
        device=device)
    return written


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--scale', default='paper', choices=list(SCALES))
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--amp', default='fp16', choices=AMP_DTYPES)
    parser.add_argument(
        '--amp-no-memory',
        action='store_true',
        help='memory runs in fp32 only (the CPU check)')
    args = parser.parse_args(argv)
    precision_steps(args.out_dir, args.scale, args.device, args.amp,
                    not args.amp_no_memory)


if __name__ == '__main__':
    main()
