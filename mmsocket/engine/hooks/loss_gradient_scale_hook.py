# Copyright (c) mmsocket contributors. All rights reserved.
"""How much each loss term pulls on the encoders, every N iterations.

SOCKET's loss is a weighted sum of terms with very different scales (the
official code's L_TI is an un-averaged Frobenius norm, L_d a sum of
per-layer norms), so one term can drown the others without any loss value
looking wrong. This hook measures, on the batch an iteration is about to
train on, the norm of the gradient each weighted term alone gives the
encoder parameters, and that of their sum.
"""
import contextlib
import math
from typing import Dict, List

import torch
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS
from .utils import unwrap


@contextlib.contextmanager
def _untouched(model):
    """Leave no trace of an extra training-mode forward: BN running
    statistics (and any buffer of the encoders) and the CPU RNG come back
    as they were, and DDP is told no backward of its own follows."""
    saved = {k: b.clone() for k, b in model.encoders.named_buffers()}
    with torch.random.fork_rng(devices=[]), model._no_sync(True):
        try:
            yield
        finally:
            with torch.no_grad():
                for k, b in model.encoders.named_buffers():
                    b.copy_(saved[k])


def loss_gradient_norms(model, data: dict) -> Dict[str, float]:
    """The encoder-gradient norm of each loss term of a training batch.

    Args:
        model: A :class:`MultiSourceAdaptation` (SOCKET, SHOT, DECISION,
            TGKT) with its banks filled.
        data (dict): A training batch, ``{'target': ..., 'ti': ...}``.

    Returns:
        dict: ``{term: ||d term / d theta||}`` over the trainable encoder
        parameters theta, plus ``'total'``: the norm of the sum of the
        terms' gradients (the step's encoder gradient, before any DDP
        averaging).
    """
    params: List[torch.Tensor] = [
        p for p in model.encoders.parameters() if p.requires_grad
    ]
    with _untouched(model), torch.enable_grad():
        target = model.data_preprocessor(data['target'], True)
        losses, _ = model.tr_losses(target['inputs'],
                                    model._indices(target['data_samples']))
        losses = {k: v for k, v in losses.items() if 'loss' in k}
        if model.ti_feature_loss is not None and 'ti' in data:
            ti = model.data_preprocessor(data['ti'], True)
            losses['loss_ti'] = model.ti_loss(
                ti['inputs'], model._indices(ti['data_samples']))
        norms, total = {}, None
        for name, loss in losses.items():
            grads = torch.autograd.grad(
                loss, params, retain_graph=True, allow_unused=True)
            grads = [
                g if g is not None else torch.zeros_like(p)
                for g, p in zip(grads, params)
            ]
            norms[name] = math.sqrt(sum(float(g.pow(2).sum()) for g in grads))
            total = grads if total is None else [
                t + g for t, g in zip(total, grads)
            ]
    norms['total'] = math.sqrt(sum(float(t.pow(2).sum()) for t in total))
    return norms


@HOOKS.register_module()
class LossGradientScaleHook(Hook):
    """Log each loss term's share of the encoder gradient (off by default).

    Every ``interval`` iterations, before the step, the batch's weighted
    loss terms are recomputed one by one and the norm of the gradient each
    gives the trainable encoder parameters is logged (one INFO line) and
    sent to the visualizer as ``grad_norm/<term>`` and
    ``grad_norm/total``. An extra forward and one backward per term, at no
    effect on training: the BN statistics and the RNG are restored, nothing
    is accumulated into ``.grad``. Under DDP the norms are this rank's (its
    own batch), before the all-reduce averages them.

    Add it to a config with
    ``custom_hooks += [dict(type='LossGradientScaleHook', interval=50)]``.

    Args:
        interval (int): Iterations between measurements. Defaults to 50.
    """

    priority = 'NORMAL'

    def __init__(self, interval: int = 50) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.interval = interval

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        if not callable(getattr(model, 'tr_losses', None)):
            raise TypeError(
                'LossGradientScaleHook measures the loss terms of the '
                'adaptation methods (SOCKET, SHOT, DECISION, TGKT); '
                f'{type(model).__name__} has no tr_losses(): remove the hook '
                'from custom_hooks')

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        if data_batch is None or runner.iter % self.interval:
            return
        norms = loss_gradient_norms(unwrap(runner.model), data_batch)
        total = norms['total']
        terms = sorted((k for k in norms if k != 'total'),
                       key=lambda k: -norms[k])
        shares = ', '.join(
            f'{k} {norms[k]:.4g} ({norms[k] / total:.2f})' if total >
            0 else f'{k} {norms[k]:.4g}' for k in terms)
        runner.logger.info(
            f'Encoder gradient norm per loss at iteration {runner.iter + 1}:'
            f' {shares} (in brackets: over the norm of their sum, '
            f'{total:.4g})')
        runner.visualizer.add_scalars(
            {
                f'grad_norm/{k}': v
                for k, v in norms.items()
            },
            step=runner.iter + 1)
