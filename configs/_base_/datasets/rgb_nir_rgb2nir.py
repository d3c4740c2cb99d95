# Cross-modal transfer on RGB-NIR Scene (SOCKET paper, Table 6, RGB -> NIR):
# the unlabeled NIR images of the 6 task-relevant (TR) classes are the
# target; the task-irrelevant (TI) RGB-NIR pairs (forest, old_building,
# urban) guide the transfer. Labels are read for evaluation only.
# Converter: tools/dataset_converters/rgb_nir.py (docs/dataset_prepare.md).
# Paper scale (paired_transfer.py): Resize 256x256 -> crop 224, ImageNet
# mean/std, NIR replicated to 3 channels.
_base_ = ['./paired_transfer.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/rgb_nir'
domain = 'rgb_nir'  # the converter's one domain
num_classes = 6
target_modality = 'nir'
depth_range = (0.0, 10.0)  # unused: no depth (LoadModality's default)
