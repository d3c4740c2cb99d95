# KD-OOD (Table II): plain distillation on the simulated images, i.e. the
# first term of eq. 10 only. No real image is used for training.
_base_ = [
    '../../_base_/datasets/synthetic_depth_sim.py',
    '../../_base_/models/depth_mff_resnet18_w16.py',
    '../../_base_/models/depth_mff_resnet18_w8.py',
    '../../_base_/schedules/dfdd_adam_20e.py',
    '../../_base_/default_runtime.py'
]
teacher_ckpt = 'work_dirs/dfdd/synthetic/teacher_r18w16_real/teacher.pth'
model = dict(
    type='DFDD',
    teacher={{_base_.mff_resnet18_w16}},
    student={{_base_.mff_resnet18_w8}},
    teacher_ckpt=teacher_ckpt,
    generator=None,
    mixing=None,
    mixed_term=False)
val_evaluator = dict(type='DepthMetric')
test_evaluator = val_evaluator

# CPU scale: 3 epochs of 125 iterations over the 1000 simulated images, lr
# 1e-3 (student from scratch, G too: the paper uses one lr for both),
# halved every epoch.
optim_wrapper = dict(student=dict(optimizer=dict(lr=1e-3)))
generator_optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = dict(step_size=1, gamma=0.5)
train_cfg = dict(max_epochs=3, val_interval=3)
default_hooks = dict(logger=dict(interval=25))
