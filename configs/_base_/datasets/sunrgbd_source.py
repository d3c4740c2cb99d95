# Source-model training on one SUN RGB-D sensor domain's RGB images
# (task-relevant classes), with SHOT's 90/10 train/val split.
# Converted layout: docs/data_format.md; converter: docs/dataset_prepare.md.
# Paper scale (paired_source.py): Resize 256x256 -> RandomCrop 224 -> flip.
_base_ = ['./paired_source.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/sunrgbd'
domain = 'kv1'  # the sensor domain: kv1, kv2, realsense or xtion
num_classes = 17
