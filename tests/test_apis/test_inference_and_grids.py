# Copyright (c) mmsocket contributors. All rights reserved.
"""init_model (prefixes, strictness, the allow-listed loader) and the
image-grid helpers of the visualisation tools."""
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
import toy_parts  # noqa: F401  (registers ToolsToyModel)

from mmsocket.apis import depth_grid, init_model
from mmsocket.apis.image_grid import labelled_image_grid, save_figure
from mmsocket.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

TOY = dict(type='ToolsToyModel')


def _weights(seed):
    torch.manual_seed(seed)
    return MODELS.build(TOY).state_dict()


def test_init_model_prefix_and_plain(tmp_path):
    student, teacher = _weights(1), _weights(2)
    ckpt = tmp_path / 'distill.pth'
    torch.save(
        dict(
            state_dict={
                **{
                    f'student.{k}': v
                    for k, v in student.items()
                },
                **{
                    f'teacher.{k}': v
                    for k, v in teacher.items()
                }
            }), ckpt)
    model = init_model(TOY, str(ckpt), prefix='student.')
    assert not model.training
    for k, v in model.state_dict().items():
        assert torch.equal(v, student[k]), k
    # An exported state dict (no prefix) loads as it is.
    plain = tmp_path / 'teacher.pth'
    torch.save(teacher, plain)
    model = init_model(TOY, str(plain), prefix='student.')
    for k, v in model.state_dict().items():
        assert torch.equal(v, teacher[k]), k
    # Strict: a checkpoint of another model is refused, not half-loaded.
    with pytest.raises(RuntimeError, match='missing keys'):
        init_model(TOY, str(ckpt))
    init_model(TOY, str(ckpt), strict=False)


def test_init_model_maps_a_distributed_runs_keys(tmp_path):
    """A checkpoint saved under a DDP wrapper before keys were made
    launch-independent ('net.module.0.weight') loads, strictly."""
    weights = _weights(3)
    ckpt = tmp_path / 'ddp.pth'
    torch.save(
        dict(state_dict={
            k.replace('net.', 'net.module.', 1): v
            for k, v in weights.items()
        }), ckpt)
    model = init_model(TOY, str(ckpt))
    for k, v in model.state_dict().items():
        assert torch.equal(v, weights[k]), k


def test_labelled_image_grid_names_rows_and_columns(tmp_path):
    a = np.full((8, 10, 3), 10, np.uint8)
    fig = labelled_image_grid([[a, a], [a]], ['row one', 'row two'],
                              ['c1', 'c2'],
                              title='T',
                              scale=4)
    axes = np.array(fig.axes).reshape(2, 2)
    assert [ax.get_ylabel() for ax in axes[:, 0]] == ['row one', 'row two']
    assert [ax.get_title() for ax in axes[0]] == ['c1', 'c2']
    assert not axes[1, 1].axison  # the short row leaves an empty cell
    assert fig._suptitle.get_text() == 'T'
    shown = axes[0, 1].images[0].get_array()
    assert np.array_equal(np.asarray(shown), a)
    out = tmp_path / 'sub' / 'grid.png'
    save_figure(fig, str(out))
    back = mmcv.imread(str(out))
    # 4 screen pixels per image pixel: each cell is at least 40 x 32 px.
    assert back.shape[0] >= 2 * 32 and back.shape[1] >= 2 * 40


def _tiny_depth(tmp_path):
    from mmsocket.synthetic import generate_depth_domains
    root = tmp_path / 'depth'
    generate_depth_domains(
        str(root),
        seed=0,
        n_real_train=2,
        n_real_test=3,
        n_sim=2,
        size=(32, 24),
        workers=1)
    return str(root)


def test_depth_grid_has_a_colour_bar_per_row(tmp_path, monkeypatch):
    """Teacher and student of a DFDD config on 3 tiny test images: each row
    shares one depth scale (its range is that of the row's valid depths)
    with a colour bar in metres, and the error map has its own."""
    import importlib

    from mmengine.config import Config

    # The module (mmsocket.apis exports the function of the same name).
    depth_grid_module = importlib.import_module('mmsocket.apis.depth_grid')
    root = _tiny_depth(tmp_path)
    config = osp.join(ROOT, 'configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py')
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    teacher = MODELS.build(cfg.model.teacher)
    student = MODELS.build(cfg.model.student)
    torch.save(teacher.state_dict(), tmp_path / 'teacher.pth')
    torch.save(student.state_dict(), tmp_path / 'student.pth')
    figures = []
    monkeypatch.setattr(depth_grid_module, 'save_figure',
                        lambda fig, out: figures.append((fig, out)))
    what = depth_grid(
        config,
        str(tmp_path / 'student.pth'),
        str(tmp_path / 'depth.png'),
        teacher_ckpt=str(tmp_path / 'teacher.pth'),
        num=3,
        cfg_options={'test_dataloader.dataset.data_root': root})
    assert what == ('3 rows; columns input, ground truth, teacher, student, '
                    '|student - GT|')
    (fig, out), = figures
    bars = [
        ax.get_ylabel() for ax in fig.axes
        if ax.get_ylabel() in ('depth (m)', 'error (m)')
    ]
    assert bars == ['depth (m)', 'error (m)'] * 3
    image_axes = [
        ax for ax in fig.axes
        if ax.images and ax.get_title() in ('ground truth', 'teacher',
                                            'student')
    ]
    assert [ax.get_title()
            for ax in image_axes] == ['ground truth', 'teacher', 'student']
    # Row 1's three depth maps share one scale: the range of their valid
    # (positive) values.
    first = [ax.images[0] for ax in fig.axes[1:4]]
    lo, hi = first[0].get_clim()
    assert all(im.get_clim() == (lo, hi) for im in first)
    values = np.concatenate(
        [np.asarray(im.get_array()).ravel() for im in first])
    values = values[values > 0]
    assert (lo, hi) == pytest.approx((values.min(), values.max()))
