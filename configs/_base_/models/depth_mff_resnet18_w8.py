# CPU-scale MFF depth net: ResNet-18 at eighth width (8 base channels),
# the student of the synthetic benchmark.
mff_resnet18_w8 = dict(
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
        stem_channels=8,
        base_channels=8,
        out_indices=(0, 1, 2, 3)),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=64,
        mff_channels=4,
        refine_channels=16),
    loss=dict(type='DepthLoss'))
