# Copyright (c) mmsocket contributors. All rights reserved.
"""Progress of the hooks' passes over a whole data set, in the run's log.

The TI feature-bank pass and every pseudo-label refresh run inside the
model (``build_ti_bank`` / ``refresh_pseudo_labels`` iterate the loader they
are given). At paper scale a pass takes minutes; wrapping the loader lets
the hook log how far it is without the model knowing. The lines go to the
runner's logger (rank 0, the log file, the log level), like mmengine's own
loops' progress, rather than a terminal bar that a log file cannot hold.
"""
import time
from typing import Callable, Iterator, Optional


class LoggedPass:
    """A dataloader that logs its progress while it is iterated.

    Logs a line at most every ``every`` seconds while the pass runs, and
    one line when it ends (the whole pass, its size and duration).

    Args:
        loader: The dataloader (its ``dataset`` and length are passed on).
        what (str): What the pass is, e.g. ``'Pseudo-label pass'``.
        log (callable): Where lines go, e.g. ``runner.logger.info``.
        every (float): Seconds between progress lines. Defaults to 10.
        clock (callable): The time source (tests pass a fake one).
    """

    def __init__(self,
                 loader,
                 what: str,
                 log: Callable[[str], None],
                 every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.loader = loader
        self.what = what
        self.log = log
        self.every = every
        self.clock = clock

    @property
    def dataset(self):
        return self.loader.dataset

    def __len__(self) -> int:
        return len(self.loader)

    def _samples(self) -> Optional[int]:
        try:
            return len(self.loader.dataset)
        except TypeError:
            return None

    def __iter__(self) -> Iterator:
        total = len(self.loader)
        start = last = self.clock()
        done = 0
        for batch in self.loader:
            yield batch
            done += 1
            now = self.clock()
            if done < total and now - last >= self.every:
                last = now
                eta = (now - start) / done * (total - done)
                self.log(f'{self.what}: {done}/{total} batches, '
                         f'{now - start:.0f} s, ETA {eta:.0f} s')
        samples = self._samples()
        size = f'{samples} samples, ' if samples is not None else ''
        self.log(f'{self.what}: {size}{done} batches in '
                 f'{self.clock() - start:.1f} s')
