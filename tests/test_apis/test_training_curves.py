# Copyright (c) mmsocket contributors. All rights reserved.
"""Training curves from a hand-written scalars.json: one iteration axis
(validation epochs at the iteration that ended them) and the panels."""
import json

import mmcv
import numpy as np
import pytest

from mmsocket.apis.training_curves import (find_scalars, plot_training_curves,
                                           read_curves, training_curves)

RECORDS = [
    {
        'pseudo_label/accuracy': 20.0,
        'pseudo_label/flip_rate': 0.0,
        'step': 0
    },
    {
        'loss': 3.0,
        'loss_im': -1.0,
        'zeta_0': .5,
        'zeta_1': .5,
        'lr': .01,
        'epoch': 1,
        'iter': 5,
        'step': 5
    },
    {
        'loss': 2.5,
        'loss_im': -1.2,
        'zeta_0': .6,
        'zeta_1': .4,
        'lr': .01,
        'epoch': 1,
        'iter': 10,
        'step': 10
    },
    {
        'accuracy/top1': 31.0,
        'data_time': .01,
        'step': 1
    },
    {
        'pseudo_label/accuracy': 30.0,
        'pseudo_label/flip_rate': .25,
        'step': 10
    },
    {
        'grad_norm/loss_im': 2.0,
        'grad_norm/total': 3.0,
        'step': 11
    },
    {
        'loss': 2.0,
        'loss_im': -1.3,
        'zeta_0': .7,
        'zeta_1': .3,
        'lr': .005,
        'epoch': 2,
        'iter': 20,
        'step': 20
    },
    {
        'accuracy/top1': 35.0,
        'data_time': .01,
        'step': 2
    },
]


@pytest.fixture
def work_dir(tmp_path):
    path = tmp_path / '20261202_000000' / 'vis_data'
    path.mkdir(parents=True)
    with open(path / 'scalars.json', 'w') as f:
        for r in RECORDS:
            f.write(json.dumps(r) + '\n')
    return tmp_path


def test_one_iteration_axis(work_dir):
    curves = read_curves(find_scalars(str(work_dir)))
    x, y = curves['accuracy/top1']
    assert x.tolist() == [10, 20] and y.tolist() == [31.0, 35.0]
    assert curves['loss'][0].tolist() == [5, 10, 20]
    assert curves['pseudo_label/flip_rate'][0].tolist() == [0, 10]
    assert curves['grad_norm/total'][0].tolist() == [11]
    assert 'epoch' not in curves and 'step' not in curves


def test_default_panels_and_chosen_keys(work_dir):
    curves = read_curves(find_scalars(str(work_dir)))
    fig = plot_training_curves(curves)
    titles = [ax.get_title() for ax in fig.axes if ax.axison]
    assert titles == [
        'loss: the total', 'loss_im: L_ent - L_div', 'accuracy',
        'pseudo-labels', 'source weights zeta',
        'encoder gradient norm per loss'
    ]
    acc = fig.axes[2]
    lines = {ln.get_label(): ln for ln in acc.get_lines()}
    assert np.array_equal(lines['validation'].get_xdata(), [10, 20])
    assert np.array_equal(lines['pseudo-labels'].get_ydata(), [20, 30])
    assert fig.axes[5].get_yscale() == 'log'
    fig = plot_training_curves(curves, keys=['lr'])
    assert [ax.get_title() for ax in fig.axes if ax.axison] == ['lr']
    with pytest.raises(KeyError, match="'nope'"):
        plot_training_curves(curves, keys=['nope'])


def test_png_is_written(work_dir, tmp_path):
    out = tmp_path / 'curves.png'
    training_curves(str(work_dir), str(out))
    assert mmcv.imread(str(out)).shape[1] > 800
    with pytest.raises(FileNotFoundError, match='no scalars.json'):
        find_scalars(str(tmp_path / 'empty'))
