# ScanNet at paper scale (docs/dfdd_data.md,
# docs/methods/dfdd.md#setting): frames exported
# from the .sens files under data/scannet/scans, scene lists from the
# ScanNet repository. Training: a random uniform subset of 50,473 frames of
# the 1513 training scenes; test: the 100 test scenes (the paper's 17,607
# frames correspond to about every 10th frame; frame_step=10 is our reading,
# not stated in the paper). Colour (1296x968) and depth (640x480) are both
# resized to 320x240, then cropped to 304x228 as for NYU-v2.
dataset_type = 'ScanNetDepthDataset'
# The data root setting (docs/get_started.md#the-settings-of-a-config): a
# leaf config or --cfg-options data_root=... moves every dataset.
data_root = 'data/scannet'
crop_size = (304, 228)  # (w, h)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation', max_depth=10.0),
    dict(type='DenseResize', scale=(320, 240)),
    dict(type='DenseRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='DenseRandomRotate', max_angle=5.0),
    dict(type='DenseRandomCrop', crop_size=crop_size),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(type='PackDepthInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation', max_depth=10.0),
    dict(type='DenseResize', scale=(320, 240)),
    dict(type='DenseCenterCrop', crop_size=crop_size),
    dict(type='PackDepthInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='scannetv2_train.txt',
        max_samples=50473,
        subset_seed=0,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='scannetv2_test.txt',
        frame_step=10,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
