# Copyright (c) mmsocket contributors. All rights reserved.
"""PseudoLabelMonitor: the statistics of a refresh on hand-built cases, the
collapse and non-finite warnings, and that the labels it scores against come
from an evaluation set only (never from the clustering pass)."""
import math
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import DefaultSampler, pseudo_collate
from torch.utils.data import DataLoader, Dataset

from mmsocket.engine.hooks import LoggedPass, PseudoLabelHook
from mmsocket.engine.hooks.pseudo_label_monitor import (
    PseudoLabelMonitor, collapse_share, ensemble_probs, non_finite_terms,
    pseudo_label_statistics)
from tests.fixtures import write_annotation
from tests.test_models.test_algorithms.test_socket import LabelTrap
from tests.test_models.test_algorithms.toy_socket import build_socket, stream

N = 13


def test_statistics_of_a_hand_built_refresh():
    labels = torch.tensor([0, 0, 1, 2, 0, 1])
    probs = torch.tensor([[.7, .2, .1], [.4, .5, .1], [.1, .8, .1],
                          [.2, .2, .6], [.9, .05, .05], [.3, .3, .4]])
    previous = torch.tensor([0, 1, 1, 2, 0, 0])
    gt = torch.tensor([0, 1, 1, -1, 2, 1])  # sample 3 has no label
    s = pseudo_label_statistics(labels, probs, previous, gt)
    assert s['counts'].tolist() == [3, 2, 1]
    entropy = -(.5 * math.log(.5) + 1 / 3 * math.log(1 / 3) +
                1 / 6 * math.log(1 / 6))
    assert s['class_entropy'] == pytest.approx(entropy)
    assert s['class_entropy_normalised'] == pytest.approx(entropy /
                                                          math.log(3))
    assert (s['max_class'], s['max_class_share']) == (0, pytest.approx(.5))
    # argmax of probs: 0, 1, 1, 2, 0, 2
    assert s['prediction_counts'].tolist() == [2, 2, 2]
    assert s['prediction_max_class_share'] == pytest.approx(1 / 3)
    assert s['classes_used'] == 3
    assert s['mean_max_prob'] == pytest.approx(
        (.7 + .5 + .8 + .6 + .9 + .4) / 6)
    assert s['flip_rate'] == pytest.approx(2 / 6)  # samples 1 and 5
    # labelled samples 0, 1, 2, 4, 5: labels 0 0 1 0 1 vs 0 1 1 2 1
    assert s['labelled'] == 5
    assert s['accuracy'] == pytest.approx(60.0)
    # predictions 0 1 1 0 2 vs 0 1 1 2 1
    assert s['prediction_accuracy'] == pytest.approx(60.0)
    assert s['non_finite'] == 0
    # No previous refresh, no labels: no flip rate, no accuracy.
    s = pseudo_label_statistics(labels, probs)
    assert not {'flip_rate', 'accuracy', 'labelled'} & set(s)


def test_ensemble_probs_equal_softmax_of_mixed_logits():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 4, generator=g) * 3
    zeta = torch.tensor([.3, .7])
    expected = (zeta[:, None, None] * logits).sum(0).softmax(-1)
    torch.testing.assert_close(
        ensemble_probs(logits.softmax(-1), zeta), expected)


def test_collapse_share_is_halfway_from_even_to_one_class():
    assert collapse_share(2, .5) == pytest.approx(.75)
    assert collapse_share(12, .5) == pytest.approx(1 / 12 + .5 * 11 / 12)
    assert collapse_share(4, .2) == pytest.approx(.25 + .2 * .75)


def test_non_finite_terms_name_the_loss_not_the_total():
    inf, nan = torch.tensor(float('inf')), torch.tensor(float('nan'))
    one = torch.tensor(1.0)
    assert non_finite_terms(dict(loss=inf, loss_bn=inf,
                                 loss_im=one)) == ['loss_bn']
    assert non_finite_terms(dict(loss=nan, loss_im=nan,
                                 loss_pl=nan)) == ['loss_im', 'loss_pl']
    assert non_finite_terms(dict(loss=one, zeta_0=one)) == []


def _monitor(classes=('a', 'b', 'c')):
    monitor = PseudoLabelMonitor(labels=None)
    monitor._classes = list(classes)
    return monitor


def test_collapse_warning_names_the_class():
    monitor = _monitor()
    probs = torch.tensor([[.98, .01, .01]] * 9 + [[.1, .8, .1]])
    stats = pseudo_label_statistics(torch.zeros(10, dtype=torch.long), probs)
    (message, ) = monitor.warnings(stats)
    assert message.startswith(
        "Collapse: of the 10 target samples, 90.0 % of the predictions are "
        "'a' and 100.0 % of the pseudo-labels are 'a' (an even split is "
        '33.3 %; warning above 66.7 %)')
    assert 'mean max-probability 0.962' in message
    # An even split does not warn.
    balanced = torch.eye(3).repeat(3, 1) * .9 + .03
    stats = pseudo_label_statistics(torch.arange(9) % 3, balanced)
    assert monitor.warnings(stats) == []


def test_non_finite_warnings_name_the_first_bad_loss():
    monitor = _monitor()
    one, inf = torch.tensor(1.0), torch.tensor(float('inf'))
    monitor.watch(dict(loss=one, loss_bn=one), 1)
    monitor.watch(dict(loss=inf, loss_bn=inf, loss_im=one), 7)
    monitor.watch(dict(loss=inf, loss_im=inf), 8)  # not the first
    probs = torch.eye(3).repeat(3, 1) * .9 + .03
    (message, ) = monitor.warnings(
        pseudo_label_statistics(torch.arange(9) % 3, probs))
    assert message.startswith('loss_bn became NaN/Inf at iteration 7')
    assert monitor.warnings(
        pseudo_label_statistics(torch.arange(9) % 3, probs)) == []
    probs[2] = float('nan')
    (message, ) = monitor.warnings(
        pseudo_label_statistics(torch.arange(9) % 3, probs))
    assert message.startswith("The model's predictions are NaN/Inf on 1 of 9")
    assert 'The first non-finite loss was loss_bn at iteration 7.' in message


def test_logged_pass_reports_progress_and_the_whole_pass():
    times = iter([0.0, 4.0, 11.0, 12.0, 25.0, 26.0])
    lines = []

    class Loader:
        dataset = list(range(10))

        def __len__(self):
            return 4

        def __iter__(self):
            return iter(range(4))

    loader = Loader()
    passed = LoggedPass(
        loader, 'Pass', lines.append, every=10, clock=lambda: next(times))
    assert list(passed) == [0, 1, 2, 3]
    assert lines == [
        'Pass: 2/4 batches, 11 s, ETA 11 s', 'Pass: 10 samples, 4 batches in '
        '26.0 s'
    ]
    assert len(passed) == 4 and passed.dataset == list(range(10))


# ---------------------------------------------------------------- the hook
class TrapTargetSet(Dataset):
    """An unlabeled target set whose samples fail the test when a label is
    read from them."""

    metainfo = dict(classes=('a', 'b', 'c'))

    def __init__(self):
        g = torch.Generator().manual_seed(7)
        self.images = torch.randint(
            0, 256, (N, 3, 32, 32), generator=g, dtype=torch.uint8)

    def __len__(self):
        return N

    def get_data_info(self, i):
        return dict(sample_id=f'kv1/s{i:03d}')

    def __getitem__(self, i):
        packed = stream(self.images[i:i + 1], [i], sample_cls=LabelTrap)
        return dict(
            inputs=packed['inputs'][0], data_samples=packed['data_samples'][0])


GT = [(3 * i + 1) % 5 % 3 for i in range(N)]


def label_set(root):
    """An evaluation annotation file of the same samples (plus one that is
    not in the target set), in the data format of docs/data_format.md."""
    records = [
        dict(sample_id=f'kv1/s{i:03d}', depth_path='x.png', gt_label=g)
        for i, g in enumerate(GT)
    ] + [dict(sample_id='kv1/other', depth_path='x.png', gt_label=0)]
    ann = write_annotation(root, 'eval.json', records, ('a', 'b', 'c'))
    return dict(
        type='MultiModalDataset',
        data_root=str(root),
        ann_file=ann,
        modality='depth',
        check_files=False)


def fake_runner(model, loader, val_dataset=None):
    cfg = Config(
        dict(
            val_dataloader=dict(dataset=val_dataset) if val_dataset else None))
    return SimpleNamespace(
        model=model,
        cfg=cfg,
        train_dataloader=loader,
        logger=MagicMock(),
        visualizer=MagicMock(),
        epoch=0,
        iter=0)


def target_loader():
    dataset = TrapTargetSet()
    return DataLoader(
        dataset,
        batch_size=4,
        sampler=DefaultSampler(dataset, shuffle=False),
        collate_fn=pseudo_collate)


def refresh(hook, runner):
    hook.before_train_epoch(runner)
    (args, kwargs), = runner.visualizer.add_scalars.call_args_list[-1:]
    return args[0], kwargs['step']


def test_hook_scores_against_the_evaluation_set_only(tmp_path):
    """The pass's samples raise on a label read (LabelTrap); the accuracy is
    computed from the val dataloader's set, matched by sample_id."""
    model = build_socket(1, seed=3)
    loader = target_loader()
    runner = fake_runner(model, loader, label_set(tmp_path))
    hook = PseudoLabelHook(dataloader=loader)
    hook.before_train(runner)
    scalars, step = refresh(hook, runner)
    assert step == 0
    zeta = model.mixer().detach()
    labels = model.batch_pseudo_labels(torch.arange(N), zeta)
    expected = 100.0 * (labels == torch.tensor(GT)).double().mean()
    assert scalars['pseudo_label/accuracy'] == pytest.approx(float(expected))
    counts = torch.bincount(labels, minlength=3).tolist()
    assert [scalars[f'pseudo_label/count/{c}'] for c in 'abc'] == counts
    assert 'pseudo_label/flip_rate' not in scalars
    infos = [c.args[0] for c in runner.logger.info.call_args_list]
    line = [m for m in infos if m.startswith('Pseudo-labels')][0]
    assert line.startswith('Pseudo-labels at iteration 0 (epoch 1): 13 '
                           f'target samples; per class: a {counts[0]}, b '
                           f'{counts[1]}, c {counts[2]}; class entropy ')
    assert "on the labels of the val_dataloader's set" in line
    assert any(
        m.startswith('Pseudo-label pass: 13 samples, 4 batches in')
        for m in infos)

    # Second refresh after the encoder moved: the flip rate is the share of
    # labels that changed.
    with torch.no_grad():
        for p in model.encoders.parameters():
            p.add_(torch.randn_like(p) * .5)
    runner.epoch, runner.iter = 1, 5
    scalars, step = refresh(hook, runner)
    new = model.batch_pseudo_labels(torch.arange(N), zeta)
    assert step == 5
    assert scalars['pseudo_label/flip_rate'] == pytest.approx(
        float((new != labels).double().mean()))


def test_hook_without_labelled_set_reports_no_accuracy():
    model = build_socket(1, seed=3)
    loader = target_loader()
    runner = fake_runner(model, loader)
    hook = PseudoLabelHook(dataloader=loader)
    hook.before_train(runner)
    scalars, _ = refresh(hook, runner)
    assert 'pseudo_label/accuracy' not in scalars
    assert 'pseudo_label/mean_max_prob' in scalars
    # monitor=None: the hook refreshes and logs nothing about it.
    runner = fake_runner(model, loader)
    hook = PseudoLabelHook(dataloader=loader, monitor=None)
    hook.before_train(runner)
    hook.before_train_epoch(runner)
    runner.visualizer.add_scalars.assert_not_called()


def test_monitor_refuses_an_unknown_label_source():
    with pytest.raises(ValueError, match="labels must be 'auto'"):
        PseudoLabelMonitor(labels='train')
    with pytest.raises(ValueError, match='collapse_threshold'):
        PseudoLabelMonitor(collapse_threshold=1.5)


# ------------------------- all ranks agree (test_pseudo_labels_distributed)
def monitored(model):
    loader = target_loader()
    runner = fake_runner(model, loader)
    hook = PseudoLabelHook(dataloader=loader)
    hook.before_train(runner)
    scalars, _ = refresh(hook, runner)
    return scalars
