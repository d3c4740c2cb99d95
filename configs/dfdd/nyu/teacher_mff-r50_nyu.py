# Teacher of Table II pair 4: Hu et al.'s MFF net, ResNet-50, on NYU-v2.
# Needs the NYU-v2 base dataset config (data side, issue 5); the encoder
# starts from ImageNet weights (set in the base model). Exports
# <work_dir>/teacher.pth for the distillation configs.
_base_ = [
    '../../_base_/datasets/nyu_depth.py',
    '../../_base_/models/depth_mff_resnet50.py',
    '../../_base_/schedules/depth_adam_20e.py',
    '../../_base_/default_runtime.py'
]
model = {{_base_.mff_resnet50}}
val_evaluator = dict(type='DepthMetric', max_depth=10.0)
test_evaluator = val_evaluator
custom_hooks = [
    dict(type='ExportCheckpointHook', filename='teacher.pth', save_best=None)
]
