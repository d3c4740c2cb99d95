import pytest
import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from .toy_socket import NUM_CLASSES, batch, build_socket, fill_banks


def sgd(model, lr=0.0):
    params = [p for p in model.parameters() if p.requires_grad]
    return OptimWrapper(torch.optim.SGD(params, lr=lr))


def grads_of_train_step(model, data):
    """Gradients accumulated by train_step, captured before the step."""
    wrapper = sgd(model)
    captured = {}

    def capture():
        for name, p in model.named_parameters():
            if p.grad is not None:
                captured[name] = p.grad.clone()

    original_step = wrapper.step
    wrapper.step = lambda **kw: (capture(), original_step(**kw))
    model.train()
    model.train_step(data, wrapper)
    return captured


@pytest.mark.parametrize('num_sources', [1, 2])
def test_two_backward_step_equals_summed_loss_gradient(num_sources):
    data = batch()
    a = build_socket(num_sources, seed=3)
    b = build_socket(num_sources, seed=3)
    fill_banks(a, 8, 6)
    fill_banks(b, 8, 6)
    got = grads_of_train_step(a, data)

    # Reference: one backward of the summed loss, as the official code does.
    b.train()
    tgt = b.data_preprocessor(data['target'], True)
    ti = b.data_preprocessor(data['ti'], True)
    losses, _ = b.tr_losses(tgt['inputs'], b._indices(tgt['data_samples']))
    total = sum(losses.values()) + b.ti_loss(ti['inputs'],
                                             b._indices(ti['data_samples']))
    total.backward()
    expected = {
        n: p.grad
        for n, p in b.named_parameters() if p.grad is not None
    }

    assert set(got) == set(expected)
    assert any(n.startswith('mixer') for n in got) == (num_sources > 1)
    for name in expected:
        torch.testing.assert_close(
            got[name], expected[name], rtol=1e-4, atol=1e-6, msg=name)


def test_frozen_heads_and_source_stats_do_not_change():
    model = build_socket(2, seed=1)
    fill_banks(model, 8, 6)
    heads = {k: v.clone() for k, v in model.heads.state_dict().items()}
    src = model.source_bn_mean_0.clone()
    enc = model.encoders.encoders[0].neck.fc.weight.clone()
    wrapper = sgd(model, lr=0.1)
    for seed in range(2):
        model.train_step(batch(seed=seed), wrapper)
    for k, v in model.heads.state_dict().items():
        assert torch.equal(v, heads[k]), k
    assert torch.equal(model.source_bn_mean_0, src)
    assert not torch.equal(model.encoders.encoders[0].neck.fc.weight, enc)
    # zeta moved off 1/n and stays a distribution
    zeta = model.mixer()
    assert torch.isclose(zeta.sum(), torch.tensor(1.0))
    assert not torch.allclose(zeta, torch.full_like(zeta, 0.5))


class LabelTrap(DataSample):
    """A data sample whose label cannot be read without failing the test."""

    @property
    def gt_label(self):
        raise AssertionError('an adaptation step read a target label')


def test_train_step_never_reads_target_labels():
    model = build_socket(2)
    fill_banks(model, 8, 6)
    data = batch(sample_cls=LabelTrap)
    log = model.train_step(data, sgd(model, lr=0.01))
    assert {
        'loss', 'loss_im', 'loss_pl', 'loss_bn', 'loss_ti', 'zeta_0', 'zeta_1'
    } <= set(log)


def test_shot_configuration_has_no_ti_pass():
    model = build_socket(
        1,
        ti_feature_loss=None,
        bn_moment_loss=None,
        pseudo_labeler=dict(
            type='ClusterPseudoLabeler',
            rounds=2,
            distance='cosine',
            labelset_threshold=0))
    fill_banks(model, 8, 6)
    data = batch()
    data.pop('ti')  # SHOT's loader has no TI stream
    log = model.train_step(data, sgd(model, lr=0.01))
    assert 'loss_ti' not in log and 'loss_bn' not in log
    assert model.bn_recorders == []


def test_missing_banks_give_clear_errors():
    model = build_socket(1)
    with pytest.raises(RuntimeError, match='PseudoLabelHook'):
        model.train_step(batch(), sgd(model))
    model = build_socket(1, pseudo_label_loss=None)
    with pytest.raises(RuntimeError, match='TIFeatureBankHook'):
        model.train_step(batch(), sgd(model))


def test_banks_survive_state_dict_round_trip():
    a = build_socket(2, seed=0)
    fill_banks(a, 8, 6)
    b = build_socket(2, seed=1)
    assert not b.ti_bank_ready and not b.pseudo_labels_ready
    b.load_state_dict(a.state_dict())
    assert b.ti_bank_ready and b.pseudo_labels_ready
    for name in ('ti_bank', 'pl_features', 'pl_centroids', 'pl_labelset'):
        assert torch.equal(getattr(a, name), getattr(b, name)), name


def test_predict_gives_ensemble_and_per_source_scores():
    model = build_socket(2).eval()
    data = model.data_preprocessor(batch()['target'], False)
    out = model.predict(data['inputs'], data['data_samples'])
    assert len(out) == 4
    for s in out:
        assert s.pred_score.shape == (NUM_CLASSES, )
        assert s.source_scores.shape == (2, NUM_CLASSES)
        # equal zeta at init: the ensemble of logits, not of probabilities
        assert torch.isclose(s.pred_score.sum(), torch.tensor(1.0))
    logits = model(data['inputs'])
    torch.testing.assert_close(
        torch.stack([s.pred_score for s in out]), logits.softmax(1))
    with pytest.raises(RuntimeError, match='train_step'):
        model(data['inputs'], mode='loss')


def test_class_list_checks():
    model = build_socket(1)
    model.classes = ['a', 'b', 'c']
    model.check_dataset_classes(['a', 'b', 'c'], 'target')
    with pytest.raises(ValueError, match='trained on'):
        model.check_dataset_classes(['a', 'c', 'b'], 'target')
    with pytest.raises(ValueError, match='trained on'):
        model.check_dataset_classes(['a', 'b'], 'target')
    with pytest.raises(ValueError, match='at least one source'):
        build_socket(0)
