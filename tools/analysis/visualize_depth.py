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
per row (turbo colour map, near = dark); the error column has its own.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from mmsocket.registry import MODELS  # noqa: E402
from mmsocket.utils import register_all_modules  # noqa: E402


def colorize(depth: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """BGR uint8 turbo map of ``depth`` scaled from ``[lo, hi]``."""
    x = np.clip((depth - lo) / max(hi - lo, 1e-6), 0, 1)
    return cv2.applyColorMap((x * 255).astype(np.uint8), cv2.COLORMAP_TURBO)


def build_net(cfg: dict, ckpt: str, prefix: str = '') -> torch.nn.Module:
    net = MODELS.build(cfg)
    if ckpt:
        state = torch.load(ckpt, map_location='cpu', weights_only=False)
        state = state.get('state_dict', state)
        if prefix and any(k.startswith(prefix) for k in state):
            state = {
                k[len(prefix):]: v
                for k, v in state.items() if k.startswith(prefix)
            }
        net.load_state_dict(state, strict=True)
    return net.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='student (or estimator) weights')
    parser.add_argument('--teacher-ckpt', default=None)
    parser.add_argument('--out', default='depth_vis.png')
    parser.add_argument('--num', type=int, default=4, help='images (rows)')
    parser.add_argument(
        '--scale', type=int, default=3, help='pixel upscaling of the PNG')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, e.g. test_dataloader.'
        'dataset.data_root=data/other')
    args = parser.parse_args()
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    model_cfg = cfg.model
    if 'student' in model_cfg:
        student = build_net(model_cfg.student, args.checkpoint, 'student.')
        t_ckpt = args.teacher_ckpt or model_cfg.get('teacher_ckpt')
        teacher = build_net(model_cfg.teacher, t_ckpt)
    else:
        student, teacher = build_net(model_cfg, args.checkpoint), None
    loader_cfg = dict(cfg.test_dataloader)
    loader_cfg.update(
        batch_size=args.num, num_workers=0, persistent_workers=False)
    data = next(iter(Runner.build_dataloader(loader_cfg)))
    data = student.data_preprocessor(data, False)
    x = data['inputs']
    with torch.no_grad():
        s = student(x).clamp(min=1e-3)
        t = teacher(x).clamp(min=1e-3) if teacher is not None else None
    mean = student.data_preprocessor.mean.view(1, -1, 1, 1)
    std = student.data_preprocessor.std.view(1, -1, 1, 1)
    images = (x * std + mean).clamp(0, 255).byte().permute(0, 2, 3, 1)
    h, w = x.shape[-2:]

    def up(d):
        return F.interpolate(
            d, size=(h, w), mode='bilinear', align_corners=False)[:,
                                                                  0].numpy()

    s_np = up(s)
    t_np = up(t) if t is not None else None
    samples = data['data_samples']
    gts = [
        smp.gt_depth[0].numpy() if 'gt_depth' in smp else None
        for smp in samples
    ]
    rows = []
    for i in range(x.shape[0]):
        gt = gts[i]
        if gt is not None and gt.shape != (h, w):
            gt = None
        maps = [
            m for m in (gt, None if t_np is None else t_np[i], s_np[i])
            if m is not None
        ]
        valid = [m[m > 0] for m in maps]
        lo = min(v.min() for v in valid if v.size)
        hi = max(v.max() for v in valid if v.size)
        rgb = images[i].numpy()[..., ::-1]  # RGB -> BGR for cv2
        cols = [np.ascontiguousarray(rgb)
                ] + [colorize(m, lo, hi) for m in maps]
        ref = gt if gt is not None else (t_np[i] if t_np is not None else None)
        if ref is not None:
            err = np.abs(s_np[i] - ref) * (ref > 0)
            cols.append(colorize(err, 0, max(float(err.max()), 1e-3)))
        rows.append(np.concatenate(cols, axis=1))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0))) for r in rows]
    canvas = np.concatenate(rows, axis=0)
    canvas = cv2.resize(
        canvas,
        None,
        fx=args.scale,
        fy=args.scale,
        interpolation=cv2.INTER_NEAREST)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cv2.imwrite(args.out, canvas)
    print(f'wrote {args.out}: {len(rows)} rows; columns input, '
          f'{"GT, " if any(g is not None for g in gts) else ""}'
          f'{"teacher, " if teacher is not None else ""}student, error')


if __name__ == '__main__':
    main()
