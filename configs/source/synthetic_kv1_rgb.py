# Source model on the synthetic benchmark's kv1 RGB (CPU scale). Trained from
# scratch (no ImageNet weights here), so the backbone learns at the full rate
# rather than SHOT's 0.1x for a pretrained one.
_base_ = [
    '../_base_/models/source_resnet18_narrow.py',
    '../_base_/datasets/synthetic_source.py',
    '../_base_/schedules/source_sgd_20e.py', '../_base_/default_runtime.py'
]
model = {{_base_.source_model}}
optim_wrapper = dict(
    optimizer=dict(lr=0.05),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=1.0)}))
train_cfg = dict(max_epochs=30, val_interval=5)
