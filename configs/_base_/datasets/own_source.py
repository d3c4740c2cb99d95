# Source-model training on your own data, converted once with
# tools/dataset_converters/paired_folders.py (or socket_layout.py for the
# official SOCKET code's folders; docs/dataset_prepare.md): the RGB images of
# one domain's task-relevant classes, with the converter's 90/10 split.
# Paper scale (paired_source.py): Resize 256x256 -> RandomCrop 224 -> flip.
_base_ = ['./paired_source.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/own'  # the converter's --out
domain = 'default'  # the converter's --domain (or one of its domains)
num_classes = None  # None: the class list of the annotation files
