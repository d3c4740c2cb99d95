# The MFF depth net with a ResNet-34 encoder: stands in for Hu et al.
# (2021)'s light-weight KD net, teacher of Table II pairs 1-2 (our decoder is
# the WACV'19 one, not the 2021 one).
mff_resnet34 = dict(
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
        depth=34,
        out_indices=(0, 1, 2, 3),
        # ImageNet weights, as the paper's encoders (fetched on first use;
        # a distiller's teacher is loaded from its checkpoint instead).
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet34')),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=256,
        mff_channels=16,
        refine_channels=80),
    loss=dict(type='DepthLoss'))
