# KD-OOD, Table II pair 4 (ResNet-50 -> ResNet-18 MFF nets): plain KD on the SceneNet images X'_1
# (eq. 10, first term only). Needs the SceneNet (simulated, with semantic
# maps) and NYU-v2 base dataset configs (data side, issue 5). Train the
# teacher first; its export is loaded from teacher_ckpt.
_base_ = [
    '../../_base_/datasets/scenenet_sim.py',
    '../../_base_/models/depth_mff_resnet50.py',
    '../../_base_/models/depth_mff_resnet18.py',
    '../../_base_/schedules/dfdd_adam_20e.py',
    '../../_base_/default_runtime.py'
]
teacher_ckpt = 'work_dirs/dfdd/nyu/teacher_mff-r50_nyu/teacher.pth'
model = dict(
    type='DFDD',
    teacher={{_base_.mff_resnet50}},
    student={{_base_.mff_resnet18}},
    teacher_ckpt=teacher_ckpt,
    generator=None,
    mixing=None,
    mixed_term=False)
val_evaluator = dict(type='DepthMetric', max_depth=10.0)
test_evaluator = val_evaluator
