# Copyright (c) mmsocket contributors. All rights reserved.
"""The step benchmark of ``tools/analysis/gpu_check.sh``: bare vs SOCKET in
fp32, AMP and AMP + channels_last, one report each, from one process (the
variants still run in the benchmark's own subprocesses; one parent instead
of three saves its start-up twice).

    python -m mmsocket.apis.benchmark.precision_steps OUT_DIR --scale tiny \\
        --device cpu --amp bf16 [--amp-no-memory]
        -> OUT_DIR/step_fp32.md, step_<amp>.md, step_<amp>_channels_last.md
"""
import argparse
import os.path as osp
from typing import List, Optional, Sequence

from .socket_step import AMP_DTYPES, SCALES
from .socket_step_runner import benchmark_socket_step


def precision_steps(out_dir: str,
                    scale: str,
                    device: str,
                    amp: str,
                    amp_memory: bool = True) -> List[str]:
    """Run the three precisions; return the report files written."""
    runs = (('fp32', {}), (amp, dict(amp=amp, no_memory=not amp_memory)),
            (f'{amp}_channels_last',
             dict(amp=amp, channels_last=True, no_memory=not amp_memory)))
    written = []
    for name, options in runs:
        print(
            f'== step benchmark, {scale} scale, {device}, {name}', flush=True)
        out = osp.join(out_dir, f'step_{name}.md')
        benchmark_socket_step(
            scales=[scale],
            sources=[1],
            variants=['bare', 'socket'],
            device=device,
            strict=True,
            out=out,
            **options)
        written.append(out)
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
