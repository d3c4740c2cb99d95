# Copyright (c) mmsocket contributors. All rights reserved.
"""Input, teacher depth, student depth and error map side by side (PNG).

    python tools/analysis/visualize_depth.py CONFIG STUDENT_CKPT \
        --teacher-ckpt \
        work_dirs/dfdd/synthetic/teacher_r18w16_real/teacher.pth \
        --out work_dirs/dfdd/vis.png --num 4

CONFIG is a distillation config (its ``model.teacher``/``model.student``
and ``test_dataloader`` are used) or a plain ``DepthEstimator`` config (no
teacher column then). STUDENT_CKPT is an mmengine checkpoint of that
config (``epoch_N.pth``) or an exported state dict. Rows are test images;
columns: input, ground truth (if any), teacher, student, |student - GT|
(or |student - teacher| without GT). Depth columns share one colour scale
per row (turbo colour map, near = dark) with a colour bar in metres; the
error column has its own.
"""
import argparse

from mmsocket.apis import add_cfg_options, depth_grid


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='student (or estimator) weights')
    parser.add_argument('--teacher-ckpt', default=None)
    parser.add_argument('--out', default='depth_vis.png')
    parser.add_argument('--num', type=int, default=4, help='images (rows)')
    parser.add_argument(
        '--scale',
        type=float,
        default=3,
        help='screen pixels per image pixel in the PNG')
    add_cfg_options(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    print(f'wrote {args.out}: {depth_grid(**vars(args))}')


if __name__ == '__main__':
    main()
