# Supervised student of Table II pair 2: MFF net, MobileNet-v2, on NYU-v2.
# Needs the NYU-v2 base dataset config (data side, issue 5).
_base_ = [
    '../../_base_/datasets/nyu_depth.py',
    '../../_base_/models/depth_mff_mobilenetv2.py',
    '../../_base_/schedules/depth_adam_20e.py',
    '../../_base_/default_runtime.py'
]
model = {{_base_.mff_mobilenetv2}}
# mmpretrain's MobileNet-v2 has no torchvision alias: give an ImageNet
# checkpoint of mmpretrain's mobilenet-v2 here.
val_evaluator = dict(type='DepthMetric', max_depth=10.0)
test_evaluator = val_evaluator
custom_hooks = []
