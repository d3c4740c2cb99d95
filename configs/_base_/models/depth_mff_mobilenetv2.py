# The MFF depth net with a MobileNet-v2 encoder (features at strides 4, 8,
# 16, 32): the student of Table II pair 2 (ResNet-34 -> MobileNet-v2).
mff_mobilenetv2 = dict(
    type='DepthEstimator',
    # The data pipelines pack BGR images (mmcv); the networks read RGB with
    # ImageNet statistics.
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='MobileNetV2', widen_factor=1.0, out_indices=(1, 2, 4, 6)),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=160,
        mff_channels=16,
        refine_channels=64),
    loss=dict(type='DepthLoss'))
