# DECISION on the synthetic benchmark: kv1 + kv2 RGB sources -> kv1 depth.
_base_ = [
    '../../_base_/models/source_resnet18_narrow.py',
    '../../_base_/methods/decision.py',
    '../../_base_/datasets/synthetic_rgb2depth.py',
    '../../_base_/schedules/transfer_sgd_15e.py',
    '../../_base_/default_runtime.py'
]
model = dict(sources=[
    dict(
        model={{_base_.source_model}},
        checkpoint='work_dirs/synthetic_kv1_rgb/source.pth'),
    dict(
        model={{_base_.source_model}},
        checkpoint='work_dirs/synthetic_kv2_rgb/source.pth'),
])
train_cfg = dict(max_epochs=6, val_interval=6)
# No task-irrelevant data: drop the inherited TI stream.
train_dataloader = dict(dataset=dict(streams=dict(ti=None)))
