# Source-model training on RGB-NIR Scene (EPFL; one domain, 6 TR classes),
# with SHOT's 90/10 train/val split. Converter:
# tools/dataset_converters/rgb_nir.py (docs/dataset_prepare.md).
# Paper scale (docs/methods/source_model.md#preprocessing):
# Resize 256x256 -> RandomCrop 224 -> flip;
# ImageNet normalisation by the model's data_preprocessor, also for NIR
# (one band replicated to 3 channels by LoadModality). A NIR source model
# (for NIR -> RGB, SOCKET Table 6) sets source_modality = 'nir'.

# The settings (docs/get_started.md#the-settings-of-a-config): a leaf config
# or --cfg-options changes them here, and every "${...}" below follows.
data_root = 'data/rgb_nir'
domain = 'rgb_nir'  # the converter's one domain
train_ann_file = 'annotations/${domain}_tr_train.json'
val_ann_file = 'annotations/${domain}_tr_val.json'
num_classes = 6
source_modality = 'rgb'

dataset_type = 'MultiModalDataset'
train_pipeline = [
    dict(type='LoadModality'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='RandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadModality'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,  # SHOT skips batches of one (BatchNorm1d)
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='${train_ann_file}',
        modality='${source_modality}',
        pipeline='${train_pipeline}'))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='${val_ann_file}',
        modality='${source_modality}',
        pipeline='${test_pipeline}'))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
