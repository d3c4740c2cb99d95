# The structure of every source-model data base (our one format,
# docs/data_format.md): one domain's task-relevant images of the source
# modality with the converter's 90/10 train/val split (SHOT's), read at paper
# scale (docs/methods/source_model.md#preprocessing: Resize 256x256 ->
# RandomCrop 224 -> flip; normalisation by the model's data_preprocessor).
# A data base (sunrgbd_source.py, own_source.py, ...) inherits this and sets
# its settings: data_root, domain, num_classes.

# Settings with defaults (docs/get_started.md#the-settings-of-a-config);
# every "${...}" below follows the top-level key after all overrides.
train_ann_file = 'annotations/${domain}_tr_train.json'
val_ann_file = 'annotations/${domain}_tr_val.json'
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
