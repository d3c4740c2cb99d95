# The MFF depth net with a ResNet-18 encoder: the student of Table II
# pairs 3-4 (ResNet-50 -> ResNet-18). The decoder width follows the encoder
# (512 deepest channels -> 256).
mff_resnet18 = dict(
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
        out_indices=(0, 1, 2, 3),
        # ImageNet weights, as the paper's encoders (fetched on first use;
        # a distiller's teacher is loaded from its checkpoint instead).
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=256,
        mff_channels=16,
        refine_channels=80),
    loss=dict(type='DepthLoss'))
