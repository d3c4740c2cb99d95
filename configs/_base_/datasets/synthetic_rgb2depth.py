# RGB -> depth transfer on the embedded synthetic benchmark
# (docs/synthetic_benchmark.md), at CPU scale: 64 px crops of 72 px images.

# The settings (docs/get_started.md#the-settings-of-a-config): a leaf config
# or --cfg-options changes them here, and every "${...}" below follows.
data_root = 'data/synthetic_rgbd'
domain = 'kv1'  # the target domain
target_ann_file = 'annotations/${domain}_tr.json'
ti_data_root = '${data_root}'
ti_ann_file = 'annotations/ti.json'
num_classes = 12
source_modality = 'rgb'
target_modality = 'depth'
depth_range = (0.0, 8.0)  # the synthetic sensors' range (DEPTH_RANGE_M)

dataset_type = 'MultiModalDataset'
train_pipeline = [
    dict(type='LoadModality', depth_range='${depth_range}'),
    dict(type='Resize', scale=(72, 72), keep_ratio=False),
    dict(type='RandomCrop', crop_size=64),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
# Deterministic: TI pairs must stay aligned with their stored source
# features (docs/methods/socket.md#official-code-deviations-we-fix,
# item 2), and evaluation is on centre crops.
test_pipeline = [
    dict(type='LoadModality', depth_range='${depth_range}'),
    dict(type='Resize', scale=(72, 72), keep_ratio=False),
    dict(type='CenterCrop', crop_size=64),
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
    num_workers=1,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='MultiStreamDataset',
        primary='target',
        streams=dict(target=target_set, ti=ti_target_set)))

val_dataloader = dict(
    batch_size=96,
    num_workers=1,
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
