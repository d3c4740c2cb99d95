# Source model: ResNet-50 trained on SUN RGB-D Kinect-v2 RGB (17 classes).
_base_ = ['./sunrgbd_kv1_rgb.py']
train_dataloader = dict(dataset=dict(ann_file='annotations/kv2_tr_train.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations/kv2_tr_val.json'))
test_dataloader = val_dataloader
