# Cross-modal transfer on your own data, converted once with
# tools/dataset_converters/paired_folders.py (or socket_layout.py;
# docs/dataset_prepare.md): the unlabeled target images of one domain's
# task-relevant classes are the target, the task-irrelevant pairs guide the
# transfer (SOCKET, TGMB/TGKT). Labels, where the converter found them, are
# read for evaluation only. NIR instead of depth: target_modality = 'nir'.
# Paper scale (paired_transfer.py): Resize 256x256 -> crop 224.
_base_ = ['./paired_transfer.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/own'  # the converter's --out
domain = 'default'  # the target domain (the converter's --domain)
num_classes = None  # None: the class list of the target annotation file
# Metres mapped to [0, 255]; None: the range the converter recorded in
# <data_root>/meta.json (its --depth-range, or chosen from your depth).
depth_range = None
