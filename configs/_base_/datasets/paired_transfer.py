# The structure of every cross-modal transfer data base (our one format,
# docs/data_format.md): the unlabeled task-relevant (TR) target set and the
# task-irrelevant (TI) pairs of one data root, read at paper scale
# (docs/methods/source_model.md#preprocessing: Resize 256x256 -> crop 224;
# normalisation by the model's data_preprocessor, configs/_base_/methods/,
# one channel replicated to 3). Labels are read for evaluation only.
# A data base (sunrgbd_rgb2depth.py, own_rgb2depth.py, ...) inherits this
# and sets its settings: data_root, domain, num_classes, depth_range and,
# where they differ, the modalities.

# Settings with defaults (docs/get_started.md#the-settings-of-a-config);
# every "${...}" below follows the top-level key after all overrides.
target_ann_file = 'annotations/${domain}_tr.json'
ti_data_root = '${data_root}'  # TI pairs of another data set: its root
ti_ann_file = 'annotations/ti.json'
source_modality = 'rgb'  # what the source model and the TI features see
target_modality = 'depth'

dataset_type = 'MultiModalDataset'
train_pipeline = [
    dict(type='LoadModality', depth_range='${depth_range}'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='RandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
# Deterministic: TI pairs must stay aligned with their stored source
# features (docs/methods/socket.md#official-code-deviations-we-fix,
# item 2), and evaluation is on centre crops.
test_pipeline = [
    dict(type='LoadModality', depth_range='${depth_range}'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

target_set = dict(
    type=dataset_type,
    data_root='${data_root}',
    ann_file='${target_ann_file}',
    modality='${target_modality}',
    with_label=False,
    pipeline='${train_pipeline}')
ti_target_set = dict(
    type=dataset_type,
    data_root='${ti_data_root}',
    ann_file='${ti_ann_file}',
    modality='${target_modality}',
    with_label=False,
    pipeline='${test_pipeline}')
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='MultiStreamDataset',
        primary='target',
        streams=dict(target=target_set, ti=ti_target_set)))

val_dataloader = dict(
    batch_size=96,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='${data_root}',
        ann_file='${target_ann_file}',
        modality='${target_modality}',
        pipeline='${test_pipeline}'))
val_evaluator = dict(type='MultiSourceAccuracy')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
