# Copyright (c) mmsocket contributors. All rights reserved.
"""Reproduce the synthetic analogue of Table II (and V) of data-free dense
depth distillation with one command.

    flock /tmp/mmsocket_heavy.lock env OMP_NUM_THREADS=2 \
        python tools/analysis/run_dfdd_table.py

Trains the teacher once (seed 0) on the "real" synthetic domain, then every
row over the given seeds, all in this process (``mmsocket.utils.
experiment``: unique experiment names, in-process loading, one evaluation
at the end on the real test split). Each run writes ``result.json`` into
``work_dirs/dfdd/synthetic/<config>/seed<k>``; finished runs are skipped,
so a killed run resumes. The table (REL, delta1 as mean +- sample std over
seeds, plus RMSE and log10) goes to ``work_dirs/dfdd_table.md``.
Generate the data first (tools/dataset_converters/generate_synthetic_depth.py).
"""
import argparse
import os.path as osp
import statistics
import time

from mmengine.config import Config

from mmsocket.utils import (prepare_config, read_result, register_all_modules,
                            run_config, write_result)

CFG_DIR = 'configs/dfdd/synthetic'
WORK_ROOT = 'work_dirs/dfdd/synthetic'
TEACHER = 'teacher_r18w16_real'
# (row label, config, data) in Table II order, then Table V.
TABLE2 = [
    ('Teacher', TEACHER, 'real'),
    ('Student', 'student_r18w8_real', 'real'),
    ('Random noise', 'kd-noise_r18w16-r18w8', 'none'),
    ('DFAD', 'dfad_r18w16-r18w8', 'none'),
    ('KD-OOD', 'kd-ood_r18w16-r18w8_sim', 'sim'),
    ('Ours', 'dfdd_r18w16-r18w8_sim', 'sim'),
]
TABLE5 = [
    ('Original (ours)', 'dfdd_r18w16-r18w8_sim'),
    ('Without l_rec', 'dfdd-no-rec_r18w16-r18w8_sim'),
    ('Without G', 'dfdd-no-g_r18w16-r18w8_sim'),
    ('Without image mixing', 'dfdd-no-mix_r18w16-r18w8_sim'),
    ('With G(x\')', 'dfdd-with-gx_r18w16-r18w8_sim'),
]


def run(config: str, seed: int, teacher_ckpt: str, log) -> dict:
    work_dir = (
        osp.join(WORK_ROOT, config) if config == TEACHER else osp.join(
            WORK_ROOT, config, f'seed{seed}'))
    done = read_result(work_dir)
    if done is not None:
        return done
    cfg = Config.fromfile(osp.join(CFG_DIR, config + '.py'))
    prepare_config(cfg, work_dir, seed=seed)
    if 'teacher_ckpt' in cfg.model:
        cfg.model.teacher_ckpt = teacher_ckpt
    start = time.time()
    metrics = run_config(cfg)
    seconds = time.time() - start
    metrics = {k.split('/')[-1]: float(v) for k, v in metrics.items()}
    log(f'{config} seed {seed}: REL {metrics["abs_rel"]:.4f} '
        f'delta1 {metrics["delta1"]:.4f} ({seconds:.0f} s)')
    return write_result(
        work_dir, config=config, seed=seed, metrics=metrics, seconds=seconds)


def fmt(values, digits=3):
    if len(values) == 1:
        return f'{values[0]:.{digits}f}'
    return (f'{statistics.mean(values):.{digits}f} ± '
            f'{statistics.stdev(values):.{digits}f}')


def row(results, key):
    return [r['metrics'][key] for r in results]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--ablation-seeds',
        type=int,
        nargs='*',
        default=[0],
        help='seeds of the Table V rows '
        '(none: skip them)')
    parser.add_argument('--out', default='work_dirs/dfdd_table.md')
    parser.add_argument(
        '--only',
        nargs='+',
        default=None,
        help='run only these configs (names in configs/dfdd/synthetic) and '
        'skip the table: lets a shell loop take the shared heavy lock once '
        'per config instead of for the whole table')
    args = parser.parse_args()
    register_all_modules()

    def log(msg):
        print(f'[run_dfdd_table] {msg}', flush=True)

    teacher_ckpt = osp.join(WORK_ROOT, TEACHER, 'teacher.pth')
    if args.only:
        for config in args.only:
            seeds = ([0] if config == TEACHER else args.ablation_seeds if any(
                config == c for _, c in TABLE5[1:]) else args.seeds)
            for s in seeds:
                run(config, s, teacher_ckpt, log)
        return
    results, lines = {}, []
    for label, config, _ in TABLE2:
        seeds = [0] if config == TEACHER else args.seeds
        results[config] = [run(config, s, teacher_ckpt, log) for s in seeds]
    for _, config in TABLE5[1:]:
        if args.ablation_seeds:
            results[config] = [
                run(config, s, teacher_ckpt, log) for s in args.ablation_seeds
            ]

    total = sum(r['seconds'] for rs in results.values() for r in rs)
    lines += [
        '# Data-free dense depth distillation, synthetic domains',
        '',
        'Teacher: MFF depth net, ResNet-18 w16 (1.50 M params), trained '
        'once (seed 0) on the "real" domain with ground truth. Student: '
        'ResNet-18 w8 (0.38 M). Evaluation: the real test split (150 '
        'images, 64x48 centre crops). Mean ± sample std over seeds '
        f'{args.seeds} (teacher: one run). Command: '
        '`python tools/analysis/run_dfdd_table.py`; '
        f'total training+test time {total / 60:.1f} min.',
        '',
        '| method | data | REL ↓ | δ1 ↑ | RMSE ↓ | log10 ↓ | runs |',
        '|---|---|---|---|---|---|---|',
    ]
    for label, config, data in TABLE2:
        rs = results[config]
        lines.append(f'| {label} | {data} | {fmt(row(rs, "abs_rel"))} | '
                     f'{fmt(row(rs, "delta1"))} | {fmt(row(rs, "rmse"))} | '
                     f'{fmt(row(rs, "log10"))} | {len(rs)} |')
    if args.ablation_seeds:
        lines += [
            '', '## Ablations (Table V)', '',
            f'Seeds {args.ablation_seeds} (the "Original" row: the '
            'same seeds of Ours).', '', '| variant | REL ↓ | δ1 ↑ | runs |',
            '|---|---|---|---|'
        ]
        for label, config in TABLE5:
            rs = [
                r for r in results[config] if r['seed'] in args.ablation_seeds
            ]
            lines.append(f'| {label} | {fmt(row(rs, "abs_rel"))} | '
                         f'{fmt(row(rs, "delta1"))} | {len(rs)} |')
    ours, ood = results[TABLE2[-1][1]], results[TABLE2[-2][1]]
    d_rel = statistics.mean(row(ours, 'abs_rel')) - statistics.mean(
        row(ood, 'abs_rel'))
    d_d1 = statistics.mean(row(ours, 'delta1')) - statistics.mean(
        row(ood, 'delta1'))
    wins = sum(o['metrics']['abs_rel'] < k['metrics']['abs_rel']
               for o, k in zip(ours, ood))
    lines += [
        '', f'Ours - KD-OOD (means): REL {d_rel:+.4f}, δ1 '
        f'{d_d1:+.4f}; ours has the lower REL in {wins} of '
        f'{len(ours)} seeds (same seed = same student init and data '
        'order).', ''
    ]
    text = '\n'.join(lines)
    with open(args.out, 'w') as f:
        f.write(text)
    print(text)


if __name__ == '__main__':
    main()
