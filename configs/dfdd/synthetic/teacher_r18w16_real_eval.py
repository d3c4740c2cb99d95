# The Teacher row of Table II: the exported teacher evaluated on the real
# test split (evaluation only; python tools/test.py <this config>). The grid
# runner points load_from at the teacher of each source seed.
_base_ = ['./teacher_r18w16_real.py']
load_from = 'work_dirs/dfdd/synthetic/teacher_r18w16_real/teacher.pth'
train_dataloader = None
train_cfg = None
optim_wrapper = None
param_scheduler = None
val_dataloader = None
val_cfg = None
val_evaluator = None
custom_hooks = []
