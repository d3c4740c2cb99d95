# Source model on the synthetic benchmark's kv2 RGB (CPU scale).
_base_ = ['./synthetic_kv1_rgb.py']
train_dataloader = dict(dataset=dict(ann_file='annotations/kv2_tr_train.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations/kv2_tr_val.json'))
test_dataloader = val_dataloader
