# Copyright (c) mmsocket contributors. All rights reserved.
"""Input, teacher depth, student depth and error map side by side.

Rows are test images; columns: input, ground truth (if any), teacher,
student, |student - GT| (or |student - teacher| without GT). Depth columns
share one colour scale per row (turbo colour map, near = dark); the error
column has its own.
"""
from typing import Optional

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from ..utils import register_all_modules
from .experiment import load_config
from .image_grid import image_row, save_image, stack_rows
from .inference import eval_loader_cfg, init_model


def colorize(depth: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """BGR uint8 turbo map of ``depth`` scaled from ``[lo, hi]``."""
    x = np.clip((depth - lo) / max(hi - lo, 1e-6), 0, 1)
    return cv2.applyColorMap((x * 255).astype(np.uint8), cv2.COLORMAP_TURBO)


def depth_grid(config: str,
               checkpoint: str,
               out: str,
               teacher_ckpt: Optional[str] = None,
               num: int = 4,
               scale: int = 3,
               cfg_options: Optional[dict] = None) -> str:
    """Save the grid to ``out``; return what its columns show.

    Args:
        config (str): A distillation config (its ``model.teacher``/
            ``model.student`` and ``test_dataloader``) or a plain
            ``DepthEstimator`` config (no teacher column then).
        checkpoint (str): An mmengine checkpoint of that config
            (``epoch_N.pth``) or an exported student state dict.
        teacher_ckpt (str, optional): Defaults to the config's.
    """
    register_all_modules()
    cfg = load_config(config, cfg_options)
    model_cfg = cfg.model
    if 'student' in model_cfg:
        student = init_model(model_cfg.student, checkpoint, prefix='student.')
        t_ckpt = teacher_ckpt or model_cfg.get('teacher_ckpt')
        teacher = init_model(model_cfg.teacher, t_ckpt, prefix='teacher.')
    else:
        student, teacher = init_model(model_cfg, checkpoint), None
    from mmengine.runner import Runner
    data = next(
        iter(Runner.build_dataloader(eval_loader_cfg(cfg, batch_size=num))))
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
    gts = [
        smp.gt_depth[0].numpy() if 'gt_depth' in smp else None
        for smp in data['data_samples']
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
        rows.append(image_row(cols))
    save_image(stack_rows(rows), out, scale)
    return (f'{len(rows)} rows; columns input, '
            f'{"GT, " if any(g is not None for g in gts) else ""}'
            f'{"teacher, " if teacher is not None else ""}student, error')
