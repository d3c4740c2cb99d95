# Source model on the synthetic benchmark's kv1 RGB (CPU scale).
_base_ = [
    '../_base_/models/source_resnet18_narrow.py',
    '../_base_/datasets/synthetic_source.py',
    '../_base_/schedules/source_sgd_20e.py', '../_base_/default_runtime.py'
]
model = {{_base_.source_model}}
train_cfg = dict(max_epochs=12, val_interval=2)
