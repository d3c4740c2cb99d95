# Source-model training on the RGB images of the DIML RGB+D indoor sample
# set (6 task-relevant scenes), with SHOT's 90/10 train/val split.
# Converter: tools/dataset_converters/diml.py (docs/dataset_prepare.md).
# Paper scale (paired_source.py): Resize 256x256 -> RandomCrop 224 -> flip.
_base_ = ['./paired_source.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/diml'
domain = 'diml'  # the converter's one domain
num_classes = 6
