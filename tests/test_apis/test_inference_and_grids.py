# Copyright (c) mmsocket contributors. All rights reserved.
"""init_model (prefixes, strictness, the allow-listed loader) and the
image-grid helpers of the visualisation tools."""
import mmcv
import numpy as np
import pytest
import torch
import toy_parts  # noqa: F401  (registers ToolsToyModel)

from mmsocket.apis import init_model
from mmsocket.apis.image_grid import image_row, save_image, stack_rows
from mmsocket.registry import MODELS

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


def test_image_row_stack_and_save(tmp_path):
    a = np.full((2, 3, 3), 10, np.uint8)
    b = np.full((2, 1, 3), 20, np.uint8)
    row = image_row([a, b], pad=1)
    assert row.shape == (4, 1 + 3 + 1 + 1 + 1, 3)
    assert (row[1:3, 1:4] == 10).all() and (row[1:3, 5:6] == 20).all()
    assert (row[0] == 255).all() and (row[:, 4] == 255).all()
    grid = stack_rows([image_row([a]), image_row([a, b])])
    assert grid.shape == (4, 4, 3)
    assert (grid[:2, 3] == 0).all()  # the narrow row padded in black
    out = tmp_path / 'sub' / 'grid.png'
    save_image(grid, str(out), scale=3)
    back = mmcv.imread(str(out))
    assert back.shape == (12, 12, 3)
    assert (back == grid.repeat(3, 0).repeat(3, 1)).all()
