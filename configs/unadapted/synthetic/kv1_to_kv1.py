# Unadapted on the synthetic benchmark: kv1 RGB source model on kv1 depth.
#   python tools/test.py configs/unadapted/synthetic/kv1_to_kv1.py \
#       work_dirs/synthetic_kv1_rgb/source.pth
_base_ = [
    '../../_base_/models/source_resnet18_narrow.py',
    '../../_base_/datasets/synthetic_rgb2depth.py',
    '../../_base_/default_runtime.py'
]
model = {{_base_.source_model}}
# Evaluation only.
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict()
