# Cross-modal transfer on SUN RGB-D (SOCKET paper, Table 2/3): the unlabeled
# depth images of a domain's task-relevant (TR) scenes are the target; the
# task-irrelevant (TI) RGB-depth pairs (pooled over the four sensors) guide
# the transfer. Labels are read for evaluation only.
# Data: tools/dataset_converters/sunrgbd.py (docs/dataset_prepare.md);
# depth.png holds millimetres decoded from the release's depth_bfx maps.
# Paper scale (paired_transfer.py): Resize 256x256 -> crop 224, ImageNet
# mean/std, depth replicated to 3 channels.
_base_ = ['./paired_transfer.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/sunrgbd'
domain = 'kv1'  # the target domain: kv1, kv2, realsense or xtion
num_classes = 17
# Metres mapped to [0, 255] before the network; 8 m is where the SUN RGB-D
# toolbox (read3dPoints) clips depth.
depth_range = (0.0, 8.0)
