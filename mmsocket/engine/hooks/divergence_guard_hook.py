# Copyright (c) mmsocket contributors. All rights reserved.
"""Stop a run at its first non-finite loss or gradient."""
import math
from typing import Dict, List, Optional

import torch
from mmengine.dist import all_reduce, get_dist_info
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapper, OptimWrapperDict

from mmsocket.registry import HOOKS
from .utils import unwrap


class DivergenceError(RuntimeError):
    """Training produced a non-finite loss, gradient or weight."""


def _wrappers(optim_wrapper) -> Dict[str, OptimWrapper]:
    if isinstance(optim_wrapper, OptimWrapperDict):
        return dict(optim_wrapper.items())
    return {'': optim_wrapper}


def _max_abs(tensors: List[torch.Tensor]) -> torch.Tensor:
    """The largest |value| over ``tensors`` (NaN if any is NaN): an
    inf-norm, so no overflow of a sum of squares on large finite values."""
    if hasattr(torch.nn.utils, 'get_total_norm'):
        return torch.nn.utils.get_total_norm(tensors, norm_type=math.inf)
    return torch.stack(
        [torch.linalg.vector_norm(t, math.inf) for t in tensors]).max()


def _finite_flags(groups: List[List[torch.Tensor]]) -> List[bool]:
    """Per group of tensors, whether all values are finite: one host sync
    for all groups."""
    norms = [
        _max_abs(g).float().reshape(()) if g else torch.zeros(())
        for g in groups
    ]
    if not norms:
        return []
    devices = {n.device for n in norms}
    if len(devices) > 1:
        norms = [n.cpu() for n in norms]
    return torch.stack(norms).isfinite().tolist()


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Raise :class:`DivergenceError` at the first non-finite value.

    - Before every optimizer step, the gradients of each parameter group
      are checked in one fused test (an inf-norm per group, one host sync
      per step). A non-finite gradient is not applied: the step is skipped
      and the iteration ends with the error, naming the optimizer, the
      parameter group (and its learning rate) and the first parameters.
    - After every iteration, every logged value of the step (each loss
      term) is checked; the error names the non-finite ones.
    - At the end of every epoch (before the checkpoint hook) the weights,
      and before any checkpoint is written its ``state_dict``, are checked,
      so no checkpoint with a non-finite tensor is ever saved.

    In a distributed run the ranks agree (one small all-reduce per
    iteration), so all of them stop together. Mixed-precision optimizer
    wrappers expect overflowing gradients (the loss scaler skips those
    steps), so their gradients are not checked; their losses are.

    Turn it off with ``default_hooks.divergence_guard=None``.

    Args:
        check_grads (bool): Check gradients before each step. Defaults to
            True.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, check_grads: bool = True) -> None:
        self.check_grads = check_grads
        self._bad_grads: List[str] = []
        self._names: Optional[Dict[int, str]] = None

    # --------------------------------------------------------- gradients
    def before_train(self, runner) -> None:
        self._names = None
        if not self.check_grads:
            return
        for name, wrapper in _wrappers(runner.optim_wrapper).items():
            if isinstance(wrapper, AmpOptimWrapper) or \
                    getattr(wrapper, '_divergence_guarded', False):
                continue
            wrapper.step = self._guarded_step(runner, name, wrapper,
                                              wrapper.step)
            wrapper._divergence_guarded = True

    def _param_name(self, runner, param) -> str:
        if self._names is None:
            self._names = {
                id(p): n
                for n, p in unwrap(runner.model).named_parameters()
            }
            # Names under a wrapper child read '<child>.module.<rest>'.
            self._names = {
                k: v.replace('.module.', '.')
                for k, v in self._names.items()
            }
        return self._names.get(id(param), '<unnamed parameter>')

    def _guarded_step(self, runner, name, wrapper, step):

        def guarded(**kwargs):
            groups = wrapper.optimizer.param_groups
            grads = [[p.grad for p in g['params'] if p.grad is not None]
                     for g in groups]
            flags = _finite_flags(grads)
            if all(flags):
                return step(**kwargs)
            label = f'optimizer "{name}" ' if name else ''
            for i, ok in enumerate(flags):
                if ok:
                    continue
                bad = [
                    self._param_name(runner, p) for p in groups[i]['params']
                    if p.grad is not None and not bool(p.grad.isfinite().all())
                ]
                shown = ', '.join(bad[:3]) + (f' (and {len(bad) - 3} more)'
                                              if len(bad) > 3 else '')
                lr = groups[i].get('lr')
                lr = f'{lr:.3g}' if isinstance(lr, float) else lr
                self._bad_grads.append(
                    f'non-finite gradient in {label}parameter group {i} '
                    f'(lr={lr}): {shown}')
            # Not applied: the weights stay as they were.

        # Keep the marks others put on the step (the schedulers' counter).
        guarded.__dict__.update(getattr(step, '__dict__', {}))
        return guarded

    # ------------------------------------------------------------ losses
    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        bad_terms = self._nonfinite_outputs(outputs or {})
        problems = list(self._bad_grads)
        self._bad_grads = []
        if bad_terms:
            problems.insert(0, f'non-finite loss term(s) {bad_terms}')
        if not self._any_rank(bool(problems)):
            return
        where = (f'iteration {runner.iter + 1} (epoch {runner.epoch + 1}, '
                 f'batch {batch_idx + 1})')
        self._raise(
            runner, where, problems or
            ['another rank saw a non-finite loss or gradient (see its log)'])

    @staticmethod
    def _nonfinite_outputs(outputs: dict) -> str:
        """The non-finite logged values as ``'name=value, ...'`` (one host
        sync for all of them)."""
        names, flags = [], []
        for key, value in outputs.items():
            if isinstance(value, torch.Tensor) and value.is_floating_point():
                names.append(key)
                flags.append(value.detach().isfinite().all())
            elif isinstance(value, float):
                names.append(key)
                flags.append(torch.tensor(math.isfinite(value)))
        if not flags:
            return ''
        device = flags[0].device
        flags = torch.stack([f.to(device) for f in flags]).tolist()
        if all(flags):
            return ''
        values = [
            torch.as_tensor(outputs[n]).float().mean().item()
            for n, ok in zip(names, flags) if not ok
        ]
        return ', '.join(
            f'{n}={v}'
            for n, v in zip([n for n, ok in zip(names, flags)
                             if not ok], values))

    # ----------------------------------------------------------- weights
    def after_train_epoch(self, runner) -> None:
        state = unwrap(runner.model).state_dict()
        bad = self._nonfinite_tensors(state)
        if self._any_rank(bool(bad)):
            self._raise(runner, f'the end of epoch {runner.epoch + 1}',
                        [f'non-finite weights: {bad or "on another rank"}'])

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = self._nonfinite_tensors(checkpoint.get('state_dict', {}))
        if bad:
            self._raise(runner, 'a checkpoint save',
                        [f'non-finite tensors in the checkpoint: {bad}'])

    @staticmethod
    def _nonfinite_tensors(state: dict) -> str:
        items = [(k, v) for k, v in state.items()
                 if isinstance(v, torch.Tensor) and v.is_floating_point()
                 and v.numel() > 0]
        flags = _finite_flags([[v] for _, v in items])
        bad = [k for (k, _), ok in zip(items, flags) if not ok]
        return ', '.join(
            bad[:5]) + (f' (and {len(bad) - 5} more)' if len(bad) > 5 else '')

    # ----------------------------------------------------------- helpers
    @staticmethod
    def _any_rank(flag: bool) -> bool:
        _, world_size = get_dist_info()
        if world_size == 1:
            return flag
        t = torch.tensor([float(flag)])
        all_reduce(t, op='max')
        return bool(t.item())

    @staticmethod
    def _raise(runner, where: str, problems: List[str]) -> None:
        last = runner.message_hub.get_info('last_ckpt')
        saved = f'the last one is {last}' if last else 'there is none yet'
        raise DivergenceError(
            f'Training diverged at {where}: {"; ".join(problems)}. No '
            f'checkpoint of this state was written ({saved}). Lower the '
            'learning rate (e.g. --cfg-options '
            'optim_wrapper.optimizer.lr=...) or check the data, then train '
            'again or resume from the last checkpoint with --resume. To '
            'train on through non-finite values, set '
            'default_hooks.divergence_guard=None.')
