# Copyright (c) mmsocket contributors. All rights reserved.
"""Input, teacher depth, student depth and error map side by side.

Rows are test images; columns: input, ground truth (if any), teacher,
student, |student - GT| (or |student - teacher| without GT). Depth columns
share one colour scale per row (turbo colour map, near = dark) with its
colour bar in metres; the error column has its own.
"""
import os.path as osp
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from ..utils import register_all_modules
from .experiment import load_config
from .image_grid import grid_figure, save_figure
from .inference import eval_loader_cfg, init_model


def depth_grid(config: str,
               checkpoint: str,
               out: str,
               teacher_ckpt: Optional[str] = None,
               num: int = 4,
               scale: float = 3,
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
    has_gt = any(g is not None and g.shape == (h, w) for g in gts)
    ref_name = 'GT' if has_gt else 'teacher'
    columns = ['input'] + (['ground truth'] if has_gt else []) + (
        ['teacher'] if t_np is not None else []) + ['student']
    with_error = has_gt or t_np is not None
    if with_error:
        columns.append(f'|student - {ref_name}|')
    fig, axes = grid_figure(
        x.shape[0], len(columns), (h, w), scale=scale, extra_width=2.4)
    for i in range(x.shape[0]):
        gt = gts[i] if has_gt and gts[i] is not None \
            and gts[i].shape == (h, w) else None
        maps = [gt] if has_gt else []
        maps += [t_np[i]] if t_np is not None else []
        maps.append(s_np[i])
        valid = [m[m > 0] for m in maps if m is not None]
        lo = min(v.min() for v in valid if v.size)
        hi = max(v.max() for v in valid if v.size)
        axes[i, 0].imshow(images[i].numpy())
        depth_axes = axes[i, 1:1 + len(maps)]
        for ax, m in zip(depth_axes, maps):
            if m is None:  # this image has no ground truth
                ax.set_axis_off()
                continue
            shown = ax.imshow(m, cmap='turbo', vmin=lo, vmax=hi)
        bar = fig.colorbar(
            shown, ax=list(depth_axes), fraction=0.025, pad=0.01)
        bar.set_label('depth (m)', fontsize=8)
        bar.ax.tick_params(labelsize=7)
        if with_error:
            ref = gt if gt is not None else (
                t_np[i] if t_np is not None else None)
            ax = axes[i, -1]
            if ref is None:
                ax.set_axis_off()
                continue
            err = np.abs(s_np[i] - ref) * (ref > 0)
            shown = ax.imshow(
                err, cmap='magma', vmin=0, vmax=max(float(err.max()), 1e-3))
            bar = fig.colorbar(shown, ax=ax, fraction=0.05, pad=0.02)
            bar.set_label('error (m)', fontsize=8)
            bar.ax.tick_params(labelsize=7)
    for j, name in enumerate(columns):
        axes[0, j].set_title(name, fontsize=9)
    for i in range(x.shape[0]):
        axes[i, 0].set_ylabel(f'test image {i + 1}', fontsize=8)
    fig.suptitle(
        f'{osp.basename(config)}: depth of {x.shape[0]} test '
        'images (shared colour scale per row)',
        fontsize=10)
    save_figure(fig, out)
    return f'{x.shape[0]} rows; columns {", ".join(columns)}'
