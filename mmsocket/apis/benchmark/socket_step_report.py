# Copyright (c) mmsocket contributors. All rights reserved.
"""The report of the SOCKET step benchmark: time ratios to ``bare``, peak
memory, the per-phase breakdown and (optionally) the profiler's ops."""
import os

from ..table_format import markdown_table
from .interleave import median, median_ratio
from .socket_step import GIB, PHASES, SCALES


def merge_memory(runs):
    """The largest peak of repeated memory runs, with the range."""
    ok = [r for r in runs if 'failed' not in r]
    if not ok:
        return runs[0]
    res = dict(max(ok, key=lambda r: r['peak']))
    res['peaks'] = [r['peak'] for r in ok]
    res['failures'] = [r['failed'] for r in runs if 'failed' in r]
    return res


def _fmt_table(headers, rows) -> str:
    return '\n'.join(markdown_table(headers, rows))


def report(timing: dict, memory: dict) -> str:
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
                if 'cuda_peak' in mem:
                    peak += f' (CUDA {mem["cuda_peak"] / GIB:.2f})'
            else:
                peak = delta = '—'
            r = res.get(v)
            if r is None:
                rows.append([conf, v] + ['—'] * 5 + [peak, delta])
                continue
            med, mn = median(r['times']), min(r['times'])
            cells = [f'{med:.3f}', f'{mn:.3f}']
            if bare:
                cells += [
                    f'{median_ratio(r["times"], bare["times"]):.3f}',
                    f'{mn / min(bare["times"]):.3f}',
                    f'{median_ratio(r["cpu_times"], bare["cpu_times"]):.3f}'
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
        'Peak RSS = VmHWM (its own high-water mark) of a fresh process '
        'running only that variant '
        '(the largest of --mem-repeats such processes, range in brackets); '
        'Δ peak = peak RSS minus the RSS after model build + data creation '
        '(the memory an iteration adds: activations, gradients, momentum). '
        'On a GPU, CUDA = torch.cuda.max_memory_allocated over the '
        'iterations.')
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
            med = [median([p[k] for p in r['phases']]) * 1e3 for k in PHASES]
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
