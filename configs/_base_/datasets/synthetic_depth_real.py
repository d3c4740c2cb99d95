# The "real" domain of the embedded synthetic depth benchmark
# (docs/dfdd_data.md): teacher / supervised-student training on real_train,
# evaluation on real_test. CPU scale: 80x60 renders, 76x56 crops (the
# paper's NYU-v2 recipe scaled down, 320x240 -> 304x228 keeps 95 % of each
# side: random crop + flip + colour jitter for training, centre crop for
# testing). Generate the data first:
#   python tools/dataset_converters/generate_synthetic_depth.py
# The leaf config adds the model and `val_evaluator`/`test_evaluator` (the
# depth metric). Inputs are packed BGR: set `to_rgb=True` in the model's
# data preprocessor.
dataset_type = 'DepthDataset'
# The data root setting (docs/get_started.md#the-settings-of-a-config): a
# leaf config or --cfg-options data_root=... moves every dataset.
data_root = 'data/synthetic_depth'
crop_size = (76, 56)  # (w, h)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
    dict(type='DenseRandomCrop', crop_size=crop_size),
    dict(type='DenseRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(type='PackDepthInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadDepthAnnotation'),
    dict(type='DenseCenterCrop', crop_size=crop_size),
    dict(type='PackDepthInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='annotations/real_train.json',
        require=('depth_path', ),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='annotations/real_test.json',
        require=('depth_path', ),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
