# Cross-modal transfer on the DIML RGB+D indoor sample set (SOCKET paper,
# Table 5): the unlabeled depth images of the 6 task-relevant (TR) scenes are
# the target; task-irrelevant (TI) RGB-depth pairs guide the transfer -- the
# 12 DIML TI scenes by default, or SUN RGB-D's TI set (Table 5, last column):
# a leaf config then sets ti_data_root = 'data/sunrgbd' (ti_ann_file stays
# 'annotations/ti.json'). Both data sets use the same depth range, so TI
# depth from SUN RGB-D is scaled alike.
# Data: tools/dataset_converters/diml.py (docs/dataset_prepare.md);
# depth.png holds the release's depth_filled millimetres.
# Paper scale (paired_transfer.py): Resize 256x256 -> crop 224, ImageNet
# mean/std, depth replicated to 3 channels.
_base_ = ['./paired_transfer.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/diml'
domain = 'diml'  # the converter's one domain
num_classes = 6
# Metres mapped to [0, 255] before the network; the same range as SUN RGB-D
# (Kinect v2 indoors stays well inside it), so SUN TI depth mixes in alike.
depth_range = (0.0, 8.0)
