# Source-model training on RGB-NIR Scene (EPFL; one domain, 6 TR classes),
# with SHOT's 90/10 train/val split. Converter:
# tools/dataset_converters/rgb_nir.py (docs/dataset_prepare.md).
# Paper scale (paired_source.py): Resize 256x256 -> RandomCrop 224 -> flip;
# NIR (one band) is replicated to 3 channels by LoadModality. A NIR source
# model (for NIR -> RGB, SOCKET Table 6) sets source_modality = 'nir'.
_base_ = ['./paired_source.py']

# The settings (docs/get_started.md#the-settings-of-a-config).
data_root = 'data/rgb_nir'
domain = 'rgb_nir'  # the converter's one domain
num_classes = 6
