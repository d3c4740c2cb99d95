# Copyright (c) mmsocket contributors. All rights reserved.
"""Step benchmarks: a training iteration beside the bare work of its
networks (``tools/analysis/benchmark_*_step.py``).

Not imported by :mod:`mmsocket.apis`: the SOCKET benchmark runs its
variants in subprocesses of ``python -m
mmsocket.apis.benchmark.socket_step_runner``.
"""
