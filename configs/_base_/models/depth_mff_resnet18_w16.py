# CPU-scale MFF depth net: ResNet-18 at quarter width (16 base channels),
# the teacher of the synthetic benchmark (trained from scratch).
mff_resnet18_w16 = dict(
    type='DepthEstimator',
    # The data pipelines pack BGR images (mmcv); the networks read RGB with
    # ImageNet statistics.
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=18,
        stem_channels=16,
        base_channels=16,
        out_indices=(0, 1, 2, 3)),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=128,
        mff_channels=8,
        refine_channels=32),
    loss=dict(type='DepthLoss'))
