# Copyright (c) mmsocket contributors. All rights reserved.
"""backward_uncounted: an early backward of an iteration, scaled as the
counted one will be, not counted."""
import pytest
import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.optim.optimizer import amp_optimizer_wrapper

from mmsocket.models.utils import accumulates, backward_uncounted


def weight_and_wrapper(wrapper_type=OptimWrapper, counts=2, **kwargs):
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    return w, wrapper_type(
        optimizer=torch.optim.SGD([w], lr=0.1),
        accumulative_counts=counts,
        **kwargs)


def two_part_iteration(w, wrapper):
    """Loss parts 3 w0 and 5 w1: the counted step sees their sum."""
    backward_uncounted(wrapper, 3 * w[0])
    wrapper.backward(wrapper.scale_loss(5 * w[1]))


def test_parts_are_scaled_alike_and_counted_once():
    w, wrapper = weight_and_wrapper(counts=2)
    assert accumulates(wrapper)
    two_part_iteration(w, wrapper)
    assert wrapper.inner_count == 1
    torch.testing.assert_close(w.grad, torch.tensor([1.5, 2.5]))
    w, wrapper = weight_and_wrapper(counts=1)
    assert not accumulates(wrapper)
    two_part_iteration(w, wrapper)
    torch.testing.assert_close(w.grad, torch.tensor([3.0, 5.0]))


class ScaleBy8:
    """A loss scaler stub (torch's GradScaler is inactive on CPU)."""

    def scale(self, loss):
        return 8 * loss


def test_amp_loss_scaler_applies_to_the_early_part(monkeypatch):
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)
    w, wrapper = weight_and_wrapper(AmpOptimWrapper, counts=2)
    wrapper.loss_scaler = ScaleBy8()
    two_part_iteration(w, wrapper)
    assert wrapper.inner_count == 1
    torch.testing.assert_close(w.grad, 8 * torch.tensor([1.5, 2.5]))


def test_a_wrapper_with_its_own_backward_runs_it_unless_accumulating():

    class OwnBackward(OptimWrapper):
        calls = 0

        def backward(self, loss, **kwargs):
            OwnBackward.calls += 1
            super().backward(loss, **kwargs)

    w, wrapper = weight_and_wrapper(OwnBackward, counts=1)
    two_part_iteration(w, wrapper)
    assert OwnBackward.calls == 2
    torch.testing.assert_close(w.grad, torch.tensor([3.0, 5.0]))
    w, wrapper = weight_and_wrapper(OwnBackward, counts=2)
    with pytest.raises(TypeError, match='remove accumulative_counts'):
        backward_uncounted(wrapper, w.sum())
    assert w.grad is None
