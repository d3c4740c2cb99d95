# Teacher of the synthetic benchmark: the w16 MFF depth net trained with
# ground truth on the "real" domain (the data the distillers never see).
# Exports <work_dir>/teacher.pth, which the distillation configs load.
_base_ = [
    '../../_base_/datasets/synthetic_depth_real.py',
    '../../_base_/models/depth_mff_resnet18_w16.py',
    '../../_base_/schedules/depth_adam_20e.py',
    '../../_base_/default_runtime.py'
]
model = {{_base_.mff_resnet18_w16}}
val_evaluator = dict(type='DepthMetric')
test_evaluator = val_evaluator

# CPU scale, from scratch: lr 1e-3, 8 epochs of 375 iterations (3000
# images, batch 8), halved every 2 epochs (the paper's step every quarter of
# the schedule). About 9 min on one core of the 2-core test machine.
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = dict(step_size=2, gamma=0.5)
train_cfg = dict(max_epochs=8, val_interval=8)
default_hooks = dict(logger=dict(interval=25))
custom_hooks = [
    dict(type='ExportCheckpointHook', filename='teacher.pth', save_best=None)
]
