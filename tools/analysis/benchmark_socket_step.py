# Copyright (c) mmsocket contributors. All rights reserved.
"""Time and peak memory of a SOCKET training iteration vs. bare fwd+bwd.

For every configuration (network scale x number of sources) the same model
weights (same seed) and the same input tensors are run through these
variants:

``bare``
    The work any training of these networks must do, with SOCKET's data
    flow but no SOCKET losses: the target-modality data preprocessor on the
    TR batch, every encoder (backbone + bottleneck) and its frozen head ->
    logits, loss = sum over sources of ``logits.mean()``, backward; the
    preprocessor on the TI batch, every encoder -> features, loss = sum
    over sources of ``features.mean()``, backward; one optimizer step and
    ``zero_grad`` (the same ``OptimWrapper(SGD)`` calls as SOCKET). Built
    with ``bn_moment_loss=None``, so no BN hooks exist.
``socket``
    ``SOCKET.train_step`` with the method's config
    (``configs/_base_/methods/socket.py``): BN-input statistics recording,
    L_IM + L_pl + L_d, first backward, TI forward, L_TI, second backward,
    one optimizer step.
``socket_nobn``
    ``SOCKET.train_step`` built with ``bn_moment_loss=None`` (no BN hooks,
    no L_d): isolates the cost of the BN-statistics term.
``socket_1bwd``
    SOCKET's losses summed and backpropagated in ONE backward after both
    forwards, so the TR and TI graphs are alive at once (the official
    code's memory behaviour), to show what the two-backward step saves.
``socket_varmean``
    ``SOCKET.train_step`` with the BN-input moments captured the way the
    library did before ``bn_stats.channel_moments`` (BN's own statistics
    kernel + one fused backward pass) replaced it:
    ``var, mean = torch.var_mean(x, dims != 1, correction=0)``. The
    benchmark patches ``BNStatsRecorder`` in its own subprocess only (and
    only for the recorders of this variant's model), so the table shows the
    before/after of that optimisation side by side.

Banks (TI feature bank, pseudo-label features/centroids) are random
buffers: the periodic passes that fill them are not part of an iteration.
Source weights are random (same seed everywhere, checked by a checksum).

Two kinds of subprocess per configuration:

* memory: one per variant, a fresh process each, so peaks do not mix. It
  runs ``--mem-iters`` iterations and reports the peak RSS
  (``ru_maxrss``) and its increase over the RSS after model build + data
  creation.
* timing: one per configuration holding all variants (identical weights),
  run round-robin, one iteration of each per round, the order rotated
  every round; ``--warmup`` rounds are discarded, ``--iters`` are timed.
  Interleaving makes the ratios robust to load from other processes (a
  2-core machine shared with other jobs can slow an iteration many-fold);
  ratios are the median over rounds of ``t_variant / t_bare`` of the same
  round. The per-phase breakdown (encoder forwards, backwards, optimizer
  step, rest) comes from this run.

Examples::

    # CPU scale (narrow ResNet-18, 64x64, batch 32), 1 and 2 sources,
    # and paper scale (ResNet-50, 224x224, batch 32), 1 source:
    python tools/analysis/benchmark_socket_step.py --scales cpu paper
    # also paper scale with two sources (slow):
    python tools/analysis/benchmark_socket_step.py --scales paper \\
        --paper-two-sources
"""
import argparse
import contextlib
import json
import os
import os.path as osp
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

SCALES = {
    'cpu':
    dict(
        model_cfg='configs/_base_/models/source_resnet18_narrow.py',
        net='ResNet-18 narrow',
        size=64,
        batch=32,
        iters=15,
        warmup=3),
    'paper':
    dict(
        model_cfg='configs/_base_/models/source_resnet50.py',
        net='ResNet-50',
        size=224,
        batch=32,
        iters=5,
        warmup=1),
}
METHOD_CFG = 'configs/_base_/methods/socket.py'
VARIANTS = ('bare', 'socket', 'socket_varmean', 'socket_nobn', 'socket_1bwd')
PHASES = ('fwd_tr', 'bwd_1', 'fwd_ti', 'bwd_2', 'step', 'other')
GIB = 1024**3


# --------------------------------------------------------------- the child
@contextlib.contextmanager
def _varmean_bn_stats_recorder():
    """While active, new BNStatsRecorders capture the BN-input moments with
    ``torch.var_mean`` (the capture the library used before
    ``channel_moments``) instead of :func:`bn_stats.channel_moments`; same
    checks and bookkeeping as the library's hook. The hook is a closure made
    at construction, so recorders built before or after (the ``socket``
    variant in the same timing process) keep the library's capture."""
    import torch

    from mmsocket.models.utils import bn_stats

    def _make_hook(self, index):

        def hook(layer, inputs, output):
            if not self._recording or layer is not self._layers[index]:
                return
            if self._slots[index] is not None:
                raise RuntimeError(f'BN layer {self._layer_names[index]} '
                                   'fired twice within one record()')
            x = inputs[0]
            if x.dim() < 2:
                raise RuntimeError(f'BN layer {self._layer_names[index]}: '
                                   f'input of shape {tuple(x.shape)}')
            var, mean = torch.var_mean(
                x, dim=[0] + list(range(2, x.dim())), correction=0)
            self._slots[index] = (mean, var)

        return hook

    original = bn_stats.BNStatsRecorder._make_hook
    bn_stats.BNStatsRecorder._make_hook = _make_hook
    try:
        yield
    finally:
        bn_stats.BNStatsRecorder._make_hook = original


def _rss_bytes() -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def _maxrss_bytes() -> int:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _setup(spec: dict):
    import logging
    import warnings
    warnings.filterwarnings('ignore')
    import torch
    torch.set_num_threads(spec['threads'])
    sys.path.insert(0, REPO)
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope

    import mmsocket.models  # noqa: F401
    MMLogger.get_instance('mmengine', log_level='ERROR')
    logging.getLogger('mmengine').setLevel(logging.ERROR)
    init_default_scope('mmsocket')


def _make_data(spec: dict, n_batches: int):
    """The TR/TI batches (uint8 CHW images), the same in every process."""
    import torch
    from mmpretrain.structures import DataSample
    scale = SCALES[spec['scale']]
    batch, size = scale['batch'], scale['size']
    gen = torch.Generator().manual_seed(spec['seed'] + 1)

    def stream(b: int) -> dict:
        return dict(
            inputs=[
                torch.randint(
                    0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
                for _ in range(batch)
            ],
            data_samples=[
                DataSample(metainfo=dict(sample_idx=b * batch + i))
                for i in range(batch)
            ])

    batches = [dict(target=stream(b), ti=stream(b)) for b in range(n_batches)]
    checksum = int(
        sum(
            int(x.sum()) for d in batches for s in d.values()
            for x in s['inputs']))
    return batches, checksum


class _Bench:
    """One variant: its model, optimizer and ``step(data)``, instrumented
    for the per-phase breakdown."""

    def __init__(self, spec: dict, variant: str, bank_size: int) -> None:
        import torch
        from mmengine.config import Config
        from mmengine.optim import OptimWrapper

        from mmsocket.models.utils import ClusterPseudoLabeler
        from mmsocket.registry import MODELS
        scale = SCALES[spec['scale']]
        S = spec['sources']
        self.variant = variant

        src = Config.fromfile(osp.join(REPO, scale['model_cfg']))
        src = src.source_model.to_dict()
        src['backbone'].pop('init_cfg', None)  # no download: random init
        cfg = Config.fromfile(osp.join(REPO, METHOD_CFG)).model.to_dict()
        cfg['sources'] = [dict(model=src, checkpoint=None) for _ in range(S)]
        if variant in ('bare', 'socket_nobn'):
            cfg['bn_moment_loss'] = None
        torch.manual_seed(spec['seed'])
        ctx = (
            _varmean_bn_stats_recorder()
            if variant == 'socket_varmean' else contextlib.nullcontext())
        with ctx:
            model = MODELS.build(cfg)
        model.train()
        self.model = model
        self.weight_sum = float(
            sum(p.double().sum() for p in model.encoders.parameters()))
        self.num_bn_layers = sum(len(r) for r in model.bn_recorders)

        gen = torch.Generator().manual_seed(spec['seed'] + 2)
        K = model.num_classes
        model.ti_bank = torch.randn(S, bank_size, 256, generator=gen)
        model.pl_features = ClusterPseudoLabeler.augment(
            torch.randn(S, bank_size, 256, generator=gen))
        model.pl_centroids = torch.randn(S, K, 257, generator=gen)
        model.pl_labelset = torch.ones(S, K, dtype=torch.bool)

        marks = self.marks = []  # (kind, seconds) of the current iteration

        class TimedOptimWrapper(OptimWrapper):

            def backward(self, loss, **kwargs):
                t = time.perf_counter()
                super().backward(loss, **kwargs)
                marks.append(('bwd', time.perf_counter() - t))

            def step(self, **kwargs):
                t = time.perf_counter()
                super().step(**kwargs)
                marks.append(('step', time.perf_counter() - t))

            def zero_grad(self, **kwargs):
                t = time.perf_counter()
                super().zero_grad(**kwargs)
                marks.append(('step', time.perf_counter() - t))

        params = [p for p in model.parameters() if p.requires_grad]
        self.optim_wrapper = TimedOptimWrapper(
            torch.optim.SGD(
                params,
                lr=1e-3,
                momentum=0.9,
                weight_decay=1e-3,
                nesterov=True))
        fwd_start = []
        model.encoders.register_forward_pre_hook(
            lambda *_: fwd_start.append(time.perf_counter()))
        model.encoders.register_forward_hook(lambda *_: marks.append(
            ('fwd', time.perf_counter() - fwd_start.pop())))

    def step(self, data) -> None:
        if self.variant == 'bare':
            self._bare_step(data)
        elif self.variant == 'socket_1bwd':
            self._one_backward_step(data)
        else:
            self.model.train_step(data, self.optim_wrapper)

    def _bare_step(self, data) -> None:
        model, ow = self.model, self.optim_wrapper
        tr = model.data_preprocessor(data['target'], True)
        with ow.optim_context(model):
            feats = model.encoders(tr['inputs'])
            loss = sum(lg.mean() for lg in model._logits(feats))
        ow.backward(loss)
        ti = model.data_preprocessor(data['ti'], True)
        with ow.optim_context(model):
            loss = sum(f.mean() for f in model.encoders(ti['inputs']))
        ow.update_params(loss)

    def _one_backward_step(self, data) -> None:
        # SOCKET.train_step's losses, summed: one backward after both
        # forwards, the TR graph (with its BN statistics) alive during TI.
        from mmsocket.models.utils import mix
        model, ow = self.model, self.optim_wrapper
        target = model.data_preprocessor(data['target'], True)
        indices = model._indices(target['data_samples'])
        with ow.optim_context(model):
            with model._record_bn():
                feats = model.encoders(target['inputs'])
            logits = model._logits(feats)
            zeta = model.mixer()
            mixed = mix(logits, zeta)
            losses = dict(loss_im=model.info_max_loss(mixed))
            labels = model.batch_pseudo_labels(indices, zeta)
            losses['loss_pl'] = model.pseudo_label_loss(mixed, labels)
            losses['loss_bn'] = model.bn_moment_loss(
                [rec.stats for rec in model.bn_recorders],
                model._source_bn_stats(), zeta)
            ti = model.data_preprocessor(data['ti'], True)
            ti_idx = model._indices(ti['data_samples'])
            ti_feats = model.encoders(ti['inputs'])
            bank = [b.to(ti_feats[0]) for b in model.ti_bank[:, ti_idx]]
            losses['loss_ti'] = model.ti_feature_loss(ti_feats, bank,
                                                      model.mixer())
            loss, _ = model.parse_losses(losses)
        ow.update_params(loss)

    def timed_step(self, data):
        """Run one iteration; returns (wall s, process CPU s, phases)."""
        self.marks.clear()
        c0 = time.process_time()
        t0 = time.perf_counter()
        self.step(data)
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        fwd = [s for k, s in self.marks if k == 'fwd']
        bwd = [s for k, s in self.marks if k == 'bwd']
        ph = dict(
            fwd_tr=fwd[0],
            fwd_ti=fwd[1] if len(fwd) > 1 else 0.0,
            bwd_1=bwd[0],
            bwd_2=bwd[1] if len(bwd) > 1 else 0.0,
            step=sum(s for k, s in self.marks if k == 'step'))
        ph['other'] = dt - sum(ph.values())
        return dt, dc, ph


def _child_memory(spec: dict) -> dict:
    """One variant alone in this process: its peak RSS."""
    _setup(spec)
    n = spec['mem_iters']
    batches, data_sum = _make_data(spec, n)
    bench = _Bench(spec, spec['variant'],
                   len(batches) * SCALES[spec['scale']]['batch'])
    rss_base, maxrss_base = _rss_bytes(), _maxrss_bytes()
    times = [bench.timed_step(batches[i])[0] for i in range(n)]
    return dict(
        spec=spec,
        times=times,
        rss_base=rss_base,
        maxrss_base=maxrss_base,
        peak=_maxrss_bytes(),
        weight_sum=bench.weight_sum,
        data_sum=data_sum)


def _child_timing(spec: dict) -> dict:
    """All variants of a configuration, interleaved round-robin."""
    _setup(spec)
    import torch
    variants = spec['variants']
    n_rounds = spec['warmup'] + spec['iters']
    batches, data_sum = _make_data(spec, min(n_rounds, 8))
    benches = {
        v: _Bench(spec, v,
                  len(batches) * SCALES[spec['scale']]['batch'])
        for v in variants
    }
    res = {v: dict(times=[], cpu_times=[], phases=[]) for v in variants}
    for r in range(n_rounds):
        data = batches[r % len(batches)]
        k = r % len(variants)
        for v in variants[k:] + variants[:k]:
            dt, dc, ph = benches[v].timed_step(data)
            if r >= spec['warmup']:
                res[v]['times'].append(dt)
                res[v]['cpu_times'].append(dc)
                res[v]['phases'].append(ph)

    profile = {}
    if spec.get('profile'):
        from torch.profiler import ProfilerActivity
        from torch.profiler import profile as torch_profile
        for v in ('bare', 'socket', 'socket_varmean'):
            if v not in benches:
                continue
            with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
                benches[v].step(batches[0])
            rows = [(ev.key, ev.self_cpu_time_total / 1e3, ev.count)
                    for ev in prof.key_averages()]
            rows.sort(key=lambda r: -r[1])
            profile[v] = rows[:80]
    return dict(
        spec=spec,
        results=res,
        weight_sums={
            v: b.weight_sum
            for v, b in benches.items()
        },
        data_sum=data_sum,
        num_bn_layers=max(b.num_bn_layers for b in benches.values()),
        load=os.getloadavg()[0],
        torch=torch.__version__,
        profile=profile)


# -------------------------------------------------------------- the parent
def _run_child(spec: dict, label: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = osp.join(tmp, 'result.json')
        log = osp.join(tmp, 'log.txt')
        env = dict(os.environ)
        env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = str(spec['threads'])
        cmd = [
            sys.executable,
            osp.abspath(__file__), '--child',
            json.dumps(spec), '--child-out', out
        ]
        t = time.time()
        with open(log, 'w') as f:
            ret = subprocess.run(
                cmd, stdout=f, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        if ret.returncode != 0 or not osp.exists(out):
            with open(log) as f:
                tail = f.read()[-4000:]
            reason = (f'killed by signal {-ret.returncode} (out of memory?)'
                      if ret.returncode < 0 else f'exit {ret.returncode}')
            print(f'  !! {label} failed: {reason}\n{tail}', flush=True)
            return dict(spec=spec, failed=reason)
        with open(out) as f:
            res = json.load(f)
        print(
            f'  {label}: done in {time.time() - t:.0f} s' +
            (f', peak {res["peak"] / GIB:.2f} GiB' if 'peak' in res else ''),
            flush=True)
        return res


def _merge_memory(runs):
    """The largest peak of repeated memory runs, with the range."""
    ok = [r for r in runs if 'failed' not in r]
    if not ok:
        return runs[0]
    res = dict(max(ok, key=lambda r: r['peak']))
    res['peaks'] = [r['peak'] for r in ok]
    res['failures'] = [r['failed'] for r in runs if 'failed' in r]
    return res


def _fmt_table(headers, rows):
    lines = [
        '| ' + ' | '.join(headers) + ' |',
        '|' + '|'.join('---' for _ in headers) + '|'
    ]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def _med(xs):
    return statistics.median(xs) if xs else float('nan')


def _report(timing: dict, memory: dict) -> str:
    out, rows = [], []
    for (scale, S), tim in timing.items():
        sc = SCALES[scale]
        conf = (f'{scale}: {sc["net"]} {sc["size"]}² b{sc["batch"]}, '
                f'{S} src')
        res = tim.get('results', {})
        bare = res.get('bare')
        for v in tim['spec']['variants']:
            mem = memory[(scale, S)].get(v, {})
            if 'failed' in mem:
                peak = f'failed: {mem["failed"]}'
                delta = '—'
            elif mem:
                peak = f'{mem["peak"] / GIB:.2f}'
                if len(mem.get('peaks', [])) > 1:
                    peak += (f' ({min(mem["peaks"]) / GIB:.2f}–'
                             f'{max(mem["peaks"]) / GIB:.2f})')
                delta = f'{(mem["peak"] - mem["rss_base"]) / GIB:.2f}'
            else:
                peak = delta = '—'
            r = res.get(v)
            if r is None:
                rows.append([conf, v] + ['—'] * 5 + [peak, delta])
                continue
            med, mn = _med(r['times']), min(r['times'])
            cells = [f'{med:.3f}', f'{mn:.3f}']
            if bare:
                pair = [a / b for a, b in zip(r['times'], bare['times'])]
                pair_cpu = [
                    a / b for a, b in zip(r['cpu_times'], bare['cpu_times'])
                ]
                cells += [
                    f'{_med(pair):.3f}', f'{mn / min(bare["times"]):.3f}',
                    f'{_med(pair_cpu):.3f}'
                ]
            else:
                cells += ['—'] * 3
            rows.append([conf, v] + cells + [peak, delta])
    out.append(
        _fmt_table([
            'configuration', 'variant', 'median s/it', 'min s/it',
            'ratio (median of per-round)', 'ratio (min/min)', 'ratio CPU time',
            'peak RSS GiB', 'Δ peak GiB'
        ], rows))
    out.append(
        '\nratio = variant / bare of the same configuration (1.000 for '
        'bare itself); per-round: both timed in the same round of the '
        'interleaved run; CPU time = process user+sys time per iteration. '
        'Peak RSS = ru_maxrss of a fresh process running only that variant '
        '(the largest of --mem-repeats such processes, range in brackets); '
        'Δ peak = peak RSS minus the RSS after model build + data creation '
        '(the memory an iteration adds: activations, gradients, momentum).')
    loads = ', '.join(f'{s}/{S} src {t["load"]:.1f}'
                      for (s, S), t in timing.items() if 'load' in t)
    out.append(f'1-min load average at the end of each timing run: {loads}.')
    busy = [
        t for t in timing.values()
        if t.get('load', 0) > (os.cpu_count() or 1) + 0.5
    ]
    if busy:
        threads = busy[0]['spec'].get('threads')
        out.append(
            f'WARNING: the load exceeded the {os.cpu_count()} cores: other '
            'processes competed for them, so absolute times are inflated. ' +
            ('With several threads per process, OpenMP barriers make '
             'this erratic; prefer --threads 1 on a busy machine. '
             if threads and threads > 1 else
             'With one thread the ratios stay meaningful (same-round '
             'pairs). '))

    rows = []
    for (scale, S), tim in timing.items():
        for v, r in tim.get('results', {}).items():
            med = [_med([p[k] for p in r['phases']]) * 1e3 for k in PHASES]
            rows.append([f'{scale}, {S} src', v] + [f'{m:.0f}' for m in med])
    if rows:
        out.append(
            '\nPer-phase medians (ms): fwd_tr / fwd_ti = encoder forwards '
            '(fwd_tr includes the BN-statistics hooks), bwd_1 / bwd_2 = the '
            'two backwards (socket_1bwd: one), step = optimizer step + '
            'zero_grad, other = preprocessing, heads, losses, pseudo-label '
            'assignment, bookkeeping.\n')
        out.append(
            _fmt_table(['configuration', 'variant'] + list(PHASES), rows))

    for (scale, S), tim in timing.items():
        ws = set(round(w, 6) for w in tim.get('weight_sums', {}).values())
        ws |= {
            round(m['weight_sum'], 6)
            for m in memory[(scale, S)].values() if 'weight_sum' in m
        }
        if len(ws) > 1:
            out.append(f'\nWARNING: {scale}/{S} src: variants were built '
                       f'with different weights: {ws}')

    for (scale, S), tim in timing.items():
        prof = tim.get('profile') or {}
        if 'bare' not in prof or 'socket' not in prof:
            continue
        zero = (0.0, 0)
        b = {k: (t, c) for k, t, c in prof['bare']}
        s = {k: (t, c) for k, t, c in prof['socket']}
        vm = {k: (t, c) for k, t, c in prof.get('socket_varmean', [])}

        def grow(d, k):
            return d.get(k, zero)[0] - b.get(k, zero)[0]

        def cell(d, k):
            t, c = d.get(k, zero)
            return f'{t:.1f} ({c})'

        keys = sorted(
            set(s) | set(vm),
            key=lambda k: -max(grow(s, k),
                               grow(vm, k) if vm else 0.0))[:16]
        out.append(f'\ntorch.profiler, one iteration, {scale} {S} src: '
                   'ops whose self CPU time grows most from bare to socket ' +
                   ('or socket_varmean ' if vm else '') +
                   '(ms; calls in brackets)\n')
        headers = ['op', 'Δ socket − bare']
        if vm:
            headers.append('Δ socket_varmean − bare')
        headers += ['socket'] + (['socket_varmean'] if vm else []) + ['bare']
        rows = []
        for k in keys:
            row = [k, f'{grow(s, k):.1f}']
            if vm:
                row.append(f'{grow(vm, k):.1f}')
            row += [cell(s, k)] + ([cell(vm, k)] if vm else []) + [cell(b, k)]
            rows.append(row)
        out.append(_fmt_table(headers, rows))
    return '\n'.join(out)


def parse_args():
    parser = argparse.ArgumentParser(
        description='SOCKET iteration vs bare forward+backward: time and '
        'peak memory.')
    parser.add_argument(
        '--scales', nargs='+', default=['cpu', 'paper'], choices=list(SCALES))
    parser.add_argument(
        '--sources', nargs='+', type=int, default=[1, 2], choices=[1, 2])
    parser.add_argument(
        '--paper-two-sources',
        action='store_true',
        help='also run the paper scale with 2 sources (slow)')
    parser.add_argument(
        '--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='timed rounds (default: cpu 15, paper 5)')
    parser.add_argument(
        '--warmup',
        type=int,
        default=None,
        help='untimed warm-up rounds (default: cpu 3, paper 1)')
    parser.add_argument(
        '--mem-iters',
        type=int,
        default=3,
        help='iterations of each memory subprocess (the peak is reached '
        'by the second, once the momentum buffers exist)')
    parser.add_argument(
        '--no-memory', action='store_true', help='skip the memory runs')
    parser.add_argument(
        '--mem-repeats',
        type=int,
        default=1,
        help='run each memory subprocess this many times (interleaved) and '
        'report the largest peak (and the range)')
    parser.add_argument(
        '--no-timing', action='store_true', help='skip the timing runs')
    parser.add_argument(
        '--threads',
        type=int,
        default=os.cpu_count(),
        help='torch intra-op threads (default: all cores)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--profile',
        action='store_true',
        help='also profile one iteration of bare, socket and socket_varmean '
        'with torch.profiler and list the ops that grow most')
    parser.add_argument(
        '--out', help='also write the report (markdown) to this file')
    parser.add_argument(
        '--json', help='also dump the raw results (JSON) to this file')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--child-out', help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.child:
        spec = json.loads(args.child)
        res = (
            _child_timing(spec)
            if spec['mode'] == 'timing' else _child_memory(spec))
        with open(args.child_out, 'w') as f:
            json.dump(res, f)
        return

    configs = [
        (scale, S) for scale in args.scales for S in args.sources
        if not (scale == 'paper' and S > 1 and not args.paper_two_sources)
    ]
    print(
        f'threads={args.threads}, load average before: '
        f'{os.getloadavg()}',
        flush=True)
    t_start = time.time()
    timing, memory = {}, {}
    for scale, S in configs:
        sc = SCALES[scale]
        variants = [v for v in VARIANTS if v in args.variants]
        if 'bare' not in variants:
            variants.insert(0, 'bare')
        if scale == 'paper' and S > 1 and 'socket_1bwd' in variants:
            # Both graphs of two ResNet-50s at b32 224² alive at once: about
            # twice the 1-source case; not worth the risk on 24 GiB.
            variants.remove('socket_1bwd')
        base = dict(
            scale=scale,
            sources=S,
            threads=args.threads,
            seed=args.seed,
            iters=args.iters or sc['iters'],
            warmup=args.warmup if args.warmup is not None else sc['warmup'],
            mem_iters=args.mem_iters)
        memory[(scale, S)] = {}
        if not args.no_memory:
            runs = {v: [] for v in variants}
            for rep in range(args.mem_repeats):
                for v in variants:
                    runs[v].append(
                        _run_child(
                            dict(base, mode='memory', variant=v),
                            f'memory {scale}/{S} src/{v} #{rep + 1}'))
            memory[(scale, S)] = {v: _merge_memory(r) for v, r in runs.items()}
        if args.no_timing:
            timing[(scale, S)] = dict(spec=dict(base, variants=variants))
        else:
            timing[(scale, S)] = _run_child(
                dict(
                    base,
                    mode='timing',
                    variants=variants,
                    profile=args.profile), f'timing {scale}/{S} src')
            timing[(scale, S)].setdefault('spec', {})['variants'] = variants

    report = _report(timing, memory)
    t0 = next((t for t in timing.values() if 'torch' in t), {})
    header = (f'torch {t0.get("torch", "?")}, {args.threads} threads, '
              f'{os.cpu_count()} cores; total {time.time() - t_start:.0f} s')
    print('\n' + header + '\n\n' + report)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(header + '\n\n' + report + '\n')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(
                dict(
                    timing={
                        f'{k[0]}/{k[1]}': v
                        for k, v in timing.items()
                    },
                    memory={
                        f'{k[0]}/{k[1]}': v
                        for k, v in memory.items()
                    }), f)


if __name__ == '__main__':
    main()
