# SHOT, SUN RGB-D: Kinect-v1 RGB source -> Kinect-v1 depth target
# (Table 3 of the SOCKET paper, 16.7 %). Train the source first:
#   python tools/train.py configs/source/sunrgbd_kv1_rgb.py
_base_ = [
    '../_base_/models/source_resnet50.py', '../_base_/methods/shot.py',
    '../_base_/datasets/sunrgbd_rgb2depth.py',
    '../_base_/schedules/transfer_sgd_15e.py', '../_base_/default_runtime.py'
]
model = dict(sources=[
    dict(
        model={{_base_.source_model}},
        checkpoint='work_dirs/sunrgbd_kv1_rgb/source.pth')
])
# No task-irrelevant data: drop the inherited TI stream.
train_dataloader = dict(dataset=dict(streams=dict(ti=None)))
