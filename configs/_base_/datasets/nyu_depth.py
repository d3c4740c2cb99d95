# NYU-Depth-v2 at paper scale (docs/dfdd_data.md,
# docs/methods/dfdd.md#schedule-and-data): the
# Hu et al. / DenseDepth extracted form under data/nyu (data/nyu2_train.csv
# with 8-bit depth, data/nyu2_test.csv = the 654 official test pairs with
# 16-bit mm depth). Resize to 320x240, crop 304x228 (random for training,
# centre for testing). Training augmentation as Hu et al.: flip, rotation
# up to 5 deg, colour jitter 0.4, PCA lighting 0.1.
# Models of that family predict at half resolution; the loss resizes.
# The leaf config adds the model and the depth metric.
dataset_type = 'NYUDepthV2Dataset'
# The data root setting (docs/get_started.md#the-settings-of-a-config): a
# leaf config or --cfg-options data_root=... moves every dataset.
data_root = 'data/nyu'
crop_size = (304, 228)  # (w, h)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
    dict(type='DenseResize', scale=(320, 240)),
    dict(type='DenseRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='DenseRandomRotate', max_angle=5.0),
    dict(type='DenseRandomCrop', crop_size=crop_size),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(
        type='Lighting',
        eigval=[55.4625, 4.7940, 1.1475],
        eigvec=[[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                [-0.5836, -0.6948, 0.4203]],
        alphastd=0.1,
        to_rgb=True),
    dict(type='PackDepthInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
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
        ann_file='data/nyu2_train.csv',
        depth_scale=25.5,  # 8-bit PNGs: 255 = 10 m
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,  # per-image metrics, as Hu et al. evaluate
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='data/nyu2_test.csv',  # 654 images
        depth_scale=1000.0,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
