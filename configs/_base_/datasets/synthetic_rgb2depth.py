# RGB -> depth transfer on the embedded synthetic benchmark
# (docs/synthetic_benchmark.md), at CPU scale: 64 px crops of 72 px images,
# one loader worker.
_base_ = ['./paired_transfer.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/synthetic_rgbd'
domain = 'kv1'  # the target domain: kv1, kv2, realsense or xtion
num_classes = 12
depth_range = (0.0, 8.0)  # the synthetic sensors' range (DEPTH_RANGE_M)

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
train_dataloader = dict(num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = dict(num_workers=1)
