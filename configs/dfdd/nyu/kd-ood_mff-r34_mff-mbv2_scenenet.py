# KD-OOD, Table II pair 2 (ResNet-34 -> MobileNet-v2 MFF nets): plain KD on the SceneNet images X'_1
# (eq. 10, first term only). Needs the SceneNet (simulated, with semantic
# maps) and NYU-v2 base dataset configs (data side, issue 5). Train the
# teacher first; its export is loaded from teacher_ckpt.
_base_ = [
    '../../_base_/datasets/scenenet_sim.py',
    '../../_base_/models/depth_mff_resnet34.py',
    '../../_base_/models/depth_mff_mobilenetv2.py',
    '../../_base_/schedules/dfdd_adam_20e.py',
    '../../_base_/default_runtime.py'
]
teacher_ckpt = 'work_dirs/dfdd/nyu/teacher_mff-r34_nyu/teacher.pth'
model = dict(
    type='DFDD',
    teacher={{_base_.mff_resnet34}},
    student={{_base_.mff_mobilenetv2}},
    teacher_ckpt=teacher_ckpt,
    generator=None,
    mixing=None,
    mixed_term=False)
val_evaluator = dict(type='DepthMetric', max_depth=10.0)
test_evaluator = val_evaluator
