# Copyright (c) mmsocket contributors. All rights reserved.
"""Where the wall time of a whole run goes: an exclusive-time clock and the
patches that attribute every moment of an mmengine run to one phase.

The clock keeps a stack of phases; at every switch the time since the last
switch is charged to the phase on top. Nested phases are therefore
exclusive (a pseudo-label pass inside a hook is not also counted as hook
time) and the phases sum to the clock's total by construction, up to float
rounding.

:func:`instrumented` patches, for the duration of a ``with`` block only,
the mmengine and mmsocket methods every run goes through (class attributes,
restored afterwards), so any config can be timed without editing it:

=========================  ============================================
phase                      what is charged to it
=========================  ============================================
``start-up``               everything outside the phases below: config
                           checks, Runner and model build (source
                           checkpoints), optimizer, work-dir lock, exit
``training steps``         ``run_iter`` of the train loop (the model's
                           ``train_step``) minus its hooks
``data loading (<p>)``     ``next()`` on any DataLoader iterator, named by
                           the phase that asked (training, a pass,
                           validation, test, a hook)
``hooks (<point>)``        ``Runner.call_hook`` of each hook point
                           (``before_run``, ``after_train_iter``, ...:
                           logging, schedulers, monitors, guards) minus
                           what is listed here
``checkpoints``            ``Runner.save_checkpoint``
``pseudo-label pass``      ``refresh_pseudo_labels`` of the adapting model
``TI bank pass``           ``build_ti_bank``
``validation`` / ``test``  ``ValLoop.run`` / ``TestLoop.run``
``train loop``             the rest of the train loop's ``run`` (epoch
                           bookkeeping, building the loader iterator)
=========================  ============================================
"""
import contextlib
import functools
import time
from collections import defaultdict
from typing import Callable, Dict, Iterator, List, Tuple

ROOT = 'start-up'
STEPS = 'training steps'
LOOP = 'train loop'
DATA = 'data loading'
HOOKS = 'hooks'
#: Parent phase -> the name of its data loading.
DATA_OF = {LOOP: 'training'}


class PhaseClock:
    """Exclusive wall time per phase (``time.perf_counter``)."""

    def __init__(self, root: str = ROOT) -> None:
        self.stack: List[str] = [root]
        self.seconds: Dict[str, float] = defaultdict(float)
        self.calls: Dict[str, int] = defaultdict(int)
        self.start = self._last = time.perf_counter()
        self.stopped = False

    def _switch(self) -> None:
        now = time.perf_counter()
        self.seconds[self.stack[-1]] += now - self._last
        self._last = now

    @property
    def current(self) -> str:
        return self.stack[-1]

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Charge the body's time to ``name`` (not to the enclosing
        phase)."""
        self._switch()
        self.stack.append(name)
        self.calls[name] += 1
        try:
            yield
        finally:
            self._switch()
            self.stack.pop()

    def stop(self) -> float:
        """Close the root phase; returns the total (= sum of phases)."""
        self._switch()
        self.stopped = True
        return self._last - self.start

    def split(self) -> Dict[str, float]:
        return dict(self.seconds)


def data_phase(parent: str) -> str:
    """The name of the data loading a phase asks for."""
    return f'{DATA} ({DATA_OF.get(parent, parent)})'


def hook_phase(point: str) -> str:
    """The name of a hook point's phase."""
    return f'{HOOKS} ({point})'


def _patch_targets() -> List[Tuple[type, str, Callable[[], str]]]:
    """(class, method, phase) of everything :func:`instrumented` times; a
    phase is a name or a function of the clock and the call's arguments."""
    from mmengine.runner import Runner
    from mmengine.runner.loops import (EpochBasedTrainLoop, IterBasedTrainLoop,
                                       TestLoop, ValLoop)
    from torch.utils.data.dataloader import _BaseDataLoaderIter

    from mmsocket.models.algorithms.multi_source_adaptation import \
        MultiSourceAdaptation
    return [
        (EpochBasedTrainLoop, 'run', LOOP),
        (IterBasedTrainLoop, 'run', LOOP),
        (EpochBasedTrainLoop, 'run_iter', STEPS),
        (IterBasedTrainLoop, 'run_iter', STEPS),
        (ValLoop, 'run', 'validation'),
        (TestLoop, 'run', 'test'),
        (Runner, 'call_hook',
         lambda clock, runner, point, **kw: hook_phase(point)),
        (Runner, 'save_checkpoint', 'checkpoints'),
        (MultiSourceAdaptation, 'refresh_pseudo_labels', 'pseudo-label pass'),
        (MultiSourceAdaptation, 'build_ti_bank', 'TI bank pass'),
        (_BaseDataLoaderIter, '__next__',
         lambda clock, *args: data_phase(clock.current)),
    ]


@contextlib.contextmanager
def instrumented(clock: PhaseClock) -> Iterator[PhaseClock]:
    """Within the block, every call of the methods of
    :func:`_patch_targets` is timed into ``clock``."""
    saved = []

    def wrap(fn, name):

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            phase = name if isinstance(name, str) else name(
                clock, *args, **kwargs)
            with clock.phase(phase):
                return fn(*args, **kwargs)

        return timed

    try:
        for cls, attr, name in _patch_targets():
            original = cls.__dict__[attr]
            saved.append((cls, attr, original))
            setattr(cls, attr, wrap(original, name))
        yield clock
    finally:
        for cls, attr, original in reversed(saved):
            setattr(cls, attr, original)
