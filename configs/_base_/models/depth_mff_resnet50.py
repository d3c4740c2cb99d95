# Hu et al. (WACV'19) multi-scale feature fusion depth net, ResNet-50 encoder:
# the teacher of Table II pair 4 of the data-free depth paper.
mff_resnet50 = dict(
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
        depth=50,
        out_indices=(0, 1, 2, 3),
        # ImageNet weights, as the paper's encoders (fetched on first use;
        # a distiller's teacher is loaded from its checkpoint instead).
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=1024,
        mff_channels=16,
        refine_channels=80),
    loss=dict(type='DepthLoss'))
