# Cross-modal transfer on RGB-NIR Scene (SOCKET paper, Table 6, RGB -> NIR):
# the unlabeled NIR images of the 6 task-relevant (TR) classes are the
# target; the task-irrelevant (TI) RGB-NIR pairs (forest, old_building,
# urban) guide the transfer. Labels are read for evaluation only.
# Converter: tools/dataset_converters/rgb_nir.py (docs/dataset_prepare.md).
# Paper scale (docs/methods/source_model.md#preprocessing):
# Resize 256x256 -> crop 224. Normalisation is
# ImageNet mean/std, applied by the model's data_preprocessor
# (configs/_base_/methods/*.py); NIR is replicated to 3 channels.

# The settings (docs/get_started.md#the-settings-of-a-config): a leaf config
# or --cfg-options changes them here, and every "${...}" below follows.
data_root = 'data/rgb_nir'
domain = 'rgb_nir'  # the converter's one domain
target_ann_file = 'annotations/${domain}_tr.json'
ti_data_root = '${data_root}'
ti_ann_file = 'annotations/ti.json'
num_classes = 6
source_modality = 'rgb'  # what the source model and the TI features see
target_modality = 'nir'

dataset_type = 'MultiModalDataset'
train_pipeline = [
    dict(type='LoadModality'),
    dict(type='Resize', scale=(256, 256), keep_ratio=False),
    dict(type='RandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
# Deterministic: TI pairs must stay aligned with their stored source
# features (docs/methods/socket.md#official-code-deviations-we-fix,
# item 2), and evaluation is on centre crops.
test_pipeline = [
    dict(type='LoadModality'),
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
