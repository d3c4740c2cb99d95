# Table spec for tools/analysis/run_table.py: Data-free depth distillation Table II: teacher, student and distillers, synthetic real/simulated domains.
#   python tools/analysis/run_table.py configs/tables/dfdd_table2_synthetic.py
# The teacher is the source model: one per source seed (default 3), every
# student of that replicate distils it. Cells name their metric (a column
# per depth metric). Written by hand (the DFDD configs are not generated).
title = (
    'Data-free depth distillation Table II: teacher, student and distillers, '
    'synthetic real/simulated domains')
dataset = 'synthetic_depth'
row_title = 'method'
rows = ['Teacher', 'Student', 'Random noise', 'DFAD', 'KD-OOD', 'Ours']
columns = ['REL ↓', 'δ1 ↑', 'RMSE ↓', 'log10 ↓']
methods = ['synthetic']
metric = 'depth/abs_rel'
unit = 'depth metrics on the real test split'
digits = 3
average = False
sources = {
    'work_dirs/dfdd/synthetic/teacher_r18w16_real/teacher.pth':
    'configs/dfdd/synthetic/teacher_r18w16_real.py'
}
cells = [{
    'row': 'Teacher',
    'column': 'REL ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/teacher_r18w16_real_eval.py'],
    'metric': 'depth/abs_rel'
}, {
    'row': 'Teacher',
    'column': 'δ1 ↑',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/teacher_r18w16_real_eval.py'],
    'metric': 'depth/delta1'
}, {
    'row': 'Teacher',
    'column': 'RMSE ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/teacher_r18w16_real_eval.py'],
    'metric': 'depth/rmse'
}, {
    'row': 'Teacher',
    'column': 'log10 ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/teacher_r18w16_real_eval.py'],
    'metric': 'depth/log10'
}, {
    'row': 'Student',
    'column': 'REL ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/student_r18w8_real.py'],
    'metric': 'depth/abs_rel'
}, {
    'row': 'Student',
    'column': 'δ1 ↑',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/student_r18w8_real.py'],
    'metric': 'depth/delta1'
}, {
    'row': 'Student',
    'column': 'RMSE ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/student_r18w8_real.py'],
    'metric': 'depth/rmse'
}, {
    'row': 'Student',
    'column': 'log10 ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/student_r18w8_real.py'],
    'metric': 'depth/log10'
}, {
    'row': 'Random noise',
    'column': 'REL ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-noise_r18w16-r18w8.py'],
    'metric': 'depth/abs_rel'
}, {
    'row': 'Random noise',
    'column': 'δ1 ↑',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-noise_r18w16-r18w8.py'],
    'metric': 'depth/delta1'
}, {
    'row': 'Random noise',
    'column': 'RMSE ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-noise_r18w16-r18w8.py'],
    'metric': 'depth/rmse'
}, {
    'row': 'Random noise',
    'column': 'log10 ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-noise_r18w16-r18w8.py'],
    'metric': 'depth/log10'
}, {
    'row': 'DFAD',
    'column': 'REL ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfad_r18w16-r18w8.py'],
    'metric': 'depth/abs_rel'
}, {
    'row': 'DFAD',
    'column': 'δ1 ↑',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfad_r18w16-r18w8.py'],
    'metric': 'depth/delta1'
}, {
    'row': 'DFAD',
    'column': 'RMSE ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfad_r18w16-r18w8.py'],
    'metric': 'depth/rmse'
}, {
    'row': 'DFAD',
    'column': 'log10 ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfad_r18w16-r18w8.py'],
    'metric': 'depth/log10'
}, {
    'row': 'KD-OOD',
    'column': 'REL ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-ood_r18w16-r18w8_sim.py'],
    'metric': 'depth/abs_rel'
}, {
    'row': 'KD-OOD',
    'column': 'δ1 ↑',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-ood_r18w16-r18w8_sim.py'],
    'metric': 'depth/delta1'
}, {
    'row': 'KD-OOD',
    'column': 'RMSE ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-ood_r18w16-r18w8_sim.py'],
    'metric': 'depth/rmse'
}, {
    'row': 'KD-OOD',
    'column': 'log10 ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/kd-ood_r18w16-r18w8_sim.py'],
    'metric': 'depth/log10'
}, {
    'row': 'Ours',
    'column': 'REL ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py'],
    'metric': 'depth/abs_rel'
}, {
    'row': 'Ours',
    'column': 'δ1 ↑',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py'],
    'metric': 'depth/delta1'
}, {
    'row': 'Ours',
    'column': 'RMSE ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py'],
    'metric': 'depth/rmse'
}, {
    'row': 'Ours',
    'column': 'log10 ↓',
    'method': 'synthetic',
    'configs': ['configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py'],
    'metric': 'depth/log10'
}]
