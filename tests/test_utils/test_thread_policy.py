# Copyright (c) mmsocket contributors. All rights reserved.
"""The thread policy's arithmetic (mocked affinity and launch variables),
that the tools apply it, and that this build's OpenMP honours the
spin-wait setting only when it is set before torch loads."""
import os
import subprocess
import sys

import pytest
import torch

from mmsocket.utils import thread_policy
from mmsocket.utils.thread_policy import (PASSIVE_WAIT, choose_threads,
                                          local_processes)


@pytest.fixture
def cores(monkeypatch):

    def set_cores(n):
        monkeypatch.setattr(thread_policy.os, 'sched_getaffinity',
                            lambda pid: set(range(n)))

    return set_cores


def test_cores_divided_by_local_ranks(cores):
    cores(8)
    assert choose_threads({}) == 8
    assert choose_threads({'LOCAL_WORLD_SIZE': '2'}) == 4
    assert choose_threads({'LOCAL_WORLD_SIZE': '3'}) == 2  # floor
    assert choose_threads({'SLURM_NTASKS_PER_NODE': '4'}) == 2
    assert choose_threads({'SLURM_NTASKS_PER_NODE': '2(x3)'}) == 4
    cores(2)
    assert choose_threads({'LOCAL_WORLD_SIZE': '4'}) == 1  # at least one
    assert choose_threads({}) == 2  # this machine, one process: unchanged


def test_omp_num_threads_wins_and_is_checked(cores):
    cores(8)
    assert choose_threads({
        'OMP_NUM_THREADS': '3',
        'LOCAL_WORLD_SIZE': '2'
    }) == 3
    with pytest.raises(ValueError, match='positive integer.*unset it'):
        choose_threads({'OMP_NUM_THREADS': 'two'})
    with pytest.raises(ValueError, match='positive integer'):
        choose_threads({'OMP_NUM_THREADS': '0'})


def test_ceiling_and_launch_variables(cores):
    cores(16)  # e.g. 8 cores with hyper-threads
    assert choose_threads({}, ceiling=8) == 8
    assert choose_threads({'LOCAL_WORLD_SIZE': '4'}, ceiling=8) == 4
    assert local_processes({'LOCAL_WORLD_SIZE': 'x'}) == 1
    assert local_processes({}) == 1


def test_train_args_apply_the_policy(monkeypatch, tmp_path):
    from mmsocket.apis import parse_train_args
    before = torch.get_num_threads()
    calls = []
    monkeypatch.setattr('mmsocket.apis.runner_args.apply_thread_policy',
                        lambda: calls.append(1))
    parse_train_args([str(tmp_path / 'cfg.py')])
    assert calls == [1]
    assert torch.get_num_threads() == before


def test_apply_sets_torch_threads(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv('OMP_NUM_THREADS', '1')
        assert thread_policy.apply_thread_policy() == 1
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def _omp_env_display(base_env, env_extra, set_after_import):
    code = ('import os\n' + ('import torch\n' if set_after_import else '') +
            'os.environ.update(%r)\n' % env_extra +
            'import torch\ntorch.ones(64, 64).sum()\n')
    env = dict(base_env, OMP_DISPLAY_ENV='verbose')
    return subprocess.run([sys.executable, '-c', code],
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=120).stderr


@pytest.mark.slow  # two fresh interpreters importing torch
def test_libgomp_reads_the_wait_policy_only_at_load():
    """Why it must be set before Python starts, not by our code: libgomp's
    busy-wait
    (``GOMP_SPINCOUNT``, 300000 by default) drops to 0 only when
    ``OMP_WAIT_POLICY=PASSIVE`` is there before torch loads it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(('OMP_WAIT', 'GOMP_SPIN'))
    }
    before = _omp_env_display(env, PASSIVE_WAIT, False)
    after = _omp_env_display(env, PASSIVE_WAIT, True)
    assert "GOMP_SPINCOUNT = '0'" in before
    assert "GOMP_SPINCOUNT = '300000'" in after
