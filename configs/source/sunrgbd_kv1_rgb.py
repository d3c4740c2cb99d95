# Source model: ResNet-50 trained on SUN RGB-D Kinect-v1 RGB (17 classes).
_base_ = [
    '../_base_/models/source_resnet50.py',
    '../_base_/datasets/sunrgbd_source.py',
    '../_base_/schedules/source_sgd_20e.py', '../_base_/default_runtime.py'
]
model = {{_base_.source_model}}
