# Unadapted: the Kinect-v1 RGB source model evaluated on Kinect-v1 depth
# (Table 3 of the SOCKET paper, 14.8 %):
#   python tools/test.py configs/unadapted/kv1_to_kv1.py \
#       work_dirs/sunrgbd_kv1_rgb/source.pth
_base_ = [
    '../_base_/models/source_resnet50.py',
    '../_base_/datasets/sunrgbd_rgb2depth.py', '../_base_/default_runtime.py'
]
model = {{_base_.source_model}}
# Evaluation only.
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict()
