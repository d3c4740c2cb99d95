# Copyright (c) mmsocket contributors. All rights reserved.
"""Time one DFDD iteration beside the bare work of its networks.

Variants, all on the same weights and the same batch (simulated images
with semantic maps, random here), each with the same Adam optimizers:

* ``dfdd``: ``DFDD.train_step`` as shipped (preprocessing, object mixing,
  G, teacher forward on x' (no grad) and on G(x_hat) (BN moments recorded,
  graph kept for G), student on both, Hu loss, two backward passes, two
  optimizer steps).
* ``bare``: the least any implementation of Algorithm 1 must compute, with
  trivial losses (``mean``) and no hooks: preprocessing; teacher forward on
  x' without grad; G forward; teacher forward on G's output and backward
  into G; student forward+backward on x' and on G's output; two optimizer
  steps.
* ``dfdd_studentfirst``: ``DFDD.train_step`` before 2026-12-03, the
  student's step before G's, so the teacher's graph on ``G(x_hat)`` stayed
  alive through the student's forward and backward (same updates).
* ``kd_ood``: ``DFDD`` configured as KD-OOD (for scale).
* parts: ``teacher_fwd`` (no grad), ``teacher_fwd_bwd`` (backward to the
  input), ``student_fwd_bwd``, ``g_fwd_bwd``: one forward(+backward) each.

Timing is interleaved (:mod:`.interleave`): the ratio is the median over
rounds of ``t_variant / t_bare`` within the round.
"""
import json
import logging
import os.path as osp
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.structures import BaseDataElement

from ...models.utils import add_prefix
from ...registry import MODELS
from ...utils import register_all_modules
from ..experiment import repo_root
from ..table_format import markdown_table
from .bare_steps import bare_dfdd_step
from .interleave import interleaved_rounds, median, median_ratio
from .socket_step import GIB

SCALES = dict(
    cpu=dict(
        teacher='depth_mff_resnet18_w16',
        student='depth_mff_resnet18_w8',
        generator=16,
        size=(48, 64),
        batch=8),
    # Table II pair 4 (ResNet-50 -> ResNet-18 MFF nets) at 228x304, batch 8,
    # as configs/dfdd/nyu/dfdd_mff-r50_mff-r18_scenenet.py
    paper=dict(
        teacher='depth_mff_resnet50',
        student='depth_mff_resnet18',
        generator=32,
        size=(228, 304),
        batch=8),
)


def dfdd_model(spec) -> dict:
    nets = []
    for key in ('teacher', 'student'):
        cfg = Config.fromfile(
            osp.join(repo_root(), f'configs/_base_/models/{spec[key]}.py'))
        net = cfg[spec[key].replace('depth_', '')]
        net.backbone.pop('init_cfg', None)  # random weights: timing only
        nets.append(net)
    return dict(
        type='DFDD',
        teacher=nets[0],
        student=nets[1],
        generator=dict(
            type='TransformationNet', base_channels=spec['generator']))


def make_batch(size, batch, seed=0):
    g = torch.Generator().manual_seed(seed)
    h, w = size
    return dict(
        inputs=[
            torch.randint(0, 256, (3, h, w), dtype=torch.uint8, generator=g)
            for _ in range(batch)
        ],
        data_samples=[
            BaseDataElement(gt_sem=torch.randint(0, 8, (h, w), generator=g))
            for _ in range(batch)
        ])


def adam(module):
    return OptimWrapper(
        torch.optim.Adam(module.parameters(), lr=1e-4, weight_decay=1e-4))


def build(cfg_model, **override):
    torch.manual_seed(0)
    cfg = dict(cfg_model, teacher_ckpt=None, **override)
    model = MODELS.build(cfg)
    model.train()
    wrappers = dict(student=adam(model.student))
    if model.generator is not None:
        wrappers['generator'] = adam(model.generator)
    return model, OptimWrapperDict(**wrappers)


def student_first_dfdd_step(model, data: dict, optim_wrapper) -> dict:
    """``DFDD.train_step`` as it was before 2026-12-03: the student's step,
    then G's (Algorithm 1's order). Same updates as the shipped step."""
    data = model.data_preprocessor(data, True)
    sem = model._sem(data.get('data_samples')) if model.mixing else None
    with optim_wrapper['generator'].optim_context(model.generator):
        fw = model.forward_train(data['inputs'], sem)
    with optim_wrapper['student'].optim_context(model.student):
        loss, logs = model.parse_losses(model.student_losses(fw))
    optim_wrapper['student'].update_params(loss)
    logs = add_prefix(logs, 'student')
    with optim_wrapper['generator'].optim_context(model.generator):
        loss, g_logs = model.parse_losses(model.generator_losses(fw))
    optim_wrapper['generator'].update_params(loss)
    logs.update(add_prefix(g_logs, 'generator'))
    return logs


def variants(spec: dict) -> Dict[str, Callable[[], None]]:
    """The variants of one scale, built on shared weights and one batch."""
    cfg_model = dfdd_model(spec)
    model, wrappers = build(cfg_model)
    ood, ood_wrappers = build(
        cfg_model, generator=None, mixing=None, mixed_term=False)
    ood.student.load_state_dict(model.student.state_dict())
    data = make_batch(spec['size'], spec['batch'])
    pre = model.data_preprocessor(data, True)['inputs']
    teacher, student, gen = model.teacher, model.student, model.generator

    def dfdd():
        model.train_step(data, wrappers)

    def dfdd_studentfirst():
        student_first_dfdd_step(model, data, wrappers)

    def kd_ood():
        ood.train_step(data, ood_wrappers)

    def bare():
        bare_dfdd_step(model, data, wrappers)

    def teacher_fwd():
        with torch.no_grad():
            teacher(pre)

    def teacher_fwd_bwd():
        x = pre.clone().requires_grad_(True)
        teacher(x).mean().backward()

    def student_fwd_bwd():
        student(pre).mean().backward()
        student.zero_grad()

    def g_fwd_bwd():
        gen(pre).mean().backward()
        gen.zero_grad()

    return dict(
        bare=bare,
        dfdd=dfdd,
        dfdd_studentfirst=dfdd_studentfirst,
        kd_ood=kd_ood,
        teacher_fwd=teacher_fwd,
        teacher_fwd_bwd=teacher_fwd_bwd,
        student_fwd_bwd=student_fwd_bwd,
        g_fwd_bwd=g_fwd_bwd)


STEP_VARIANTS = ('bare', 'dfdd', 'dfdd_studentfirst', 'kd_ood')


def memory_child(scale: str, variant: str, iters: int) -> dict:
    """Run ``iters`` iterations of one variant in this (fresh) process and
    return its RSS after building everything and its own peak (VmHWM)."""
    from .socket_step_runner import _maxrss_bytes, _rss_bytes
    torch.set_num_threads(1)
    register_all_modules()
    MMLogger.get_current_instance().setLevel(logging.ERROR)
    fn = variants(SCALES[scale])[variant]
    setup = _rss_bytes()
    for _ in range(iters):
        fn()
    return dict(setup=setup, peak=_maxrss_bytes())


def memory_table(scale: str, names: Sequence[str], iters: int) -> List[str]:
    """One fresh process per variant, so peaks do not mix."""
    rows = []
    for name in names:
        cmd = [
            sys.executable, '-m', __name__, '--memory-child', scale, name,
            str(iters)
        ]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            tail = res.stderr.strip().splitlines()[-5:]
            raise RuntimeError(f'memory run of {scale}/{name} failed '
                               f'(exit {res.returncode}):\n' + '\n'.join(tail))
        mem = json.loads(res.stdout.strip().splitlines()[-1])
        rows.append([
            name, f'{mem["peak"] / GIB:.2f}',
            f'{(mem["peak"] - mem["setup"]) / GIB:.2f}'
        ])
    return markdown_table(
        ['variant', 'peak RSS GiB', 'peak - RSS after set-up'
         ' GiB'], rows)


def benchmark_dfdd_step(scales: Sequence[str] = ('cpu', ),
                        rounds: int = 20,
                        warmup: int = 3,
                        paper_rounds: int = 3,
                        threads: Optional[int] = None,
                        variant_names: Optional[Sequence[str]] = None,
                        memory: bool = False,
                        mem_iters: int = 2) -> None:
    """Time every variant of each scale and print a table per scale (the
    paper scale runs ``paper_rounds`` rounds after one warm-up round).
    ``variant_names`` picks a subset (``bare`` always runs: the ratios'
    reference); ``memory`` adds the peak RSS of the step variants, each in
    a fresh single-thread process running ``mem_iters`` iterations."""
    if threads:
        torch.set_num_threads(threads)
    register_all_modules()
    MMLogger.get_current_instance().setLevel(logging.ERROR)
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}')
    for scale in scales:
        spec = SCALES[scale]
        fns = variants(spec)
        if variant_names:
            unknown = sorted(set(variant_names) - set(fns))
            if unknown:
                raise ValueError(f'unknown variants {unknown}; choose from '
                                 f'{list(fns)}')
            fns = {
                k: v
                for k, v in fns.items() if k == 'bare' or k in variant_names
            }
        n = rounds if scale != 'paper' else paper_rounds

        def timed(name, _round):
            t0 = time.perf_counter()
            fns[name]()
            return time.perf_counter() - t0

        times = interleaved_rounds(timed, list(fns), n,
                                   warmup if scale != 'paper' else 1)
        print(f'\n## {scale}: {spec["teacher"]} -> {spec["student"]}, '
              f'G width {spec["generator"]}, batch {spec["batch"]}, '
              f'{spec["size"][1]}x{spec["size"][0]}, {n} rounds')
        print('\n'.join(
            markdown_table([
                'variant', 'median s/it',
                'ratio vs bare (median of same-round ratios)'
            ], [[
                name, f'{median(times[name]):.4f}',
                f'{median_ratio(times[name], times["bare"]):.3f}'
            ] for name in fns])))
        if memory:
            names = [k for k in fns if k in STEP_VARIANTS]
            print(f'\nPeak memory ({mem_iters} iterations, a fresh process '
                  'per variant; both models are built in each):')
            print('\n'.join(memory_table(scale, names, mem_iters)))


if __name__ == '__main__':
    # python -m mmsocket.apis.benchmark.dfdd_step --memory-child S V N
    if len(sys.argv) == 5 and sys.argv[1] == '--memory-child':
        print(
            json.dumps(
                memory_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        sys.exit('usage: python -m mmsocket.apis.benchmark.dfdd_step '
                 '--memory-child SCALE VARIANT ITERS '
                 '(tools/analysis/benchmark_dfdd_step.py runs it)')
