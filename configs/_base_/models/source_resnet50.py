# `source_model`: SHOT-style source classifier
# (docs/methods/source_model.md#network): ImageNet-pretrained ResNet-50,
# bottleneck Linear(2048->256)+BN1d, weight-normalised linear classifier,
# label-smoothed cross entropy (0.1). The class count is the config's
# `num_classes` setting (docs/get_started.md#the-settings-of-a-config).
source_model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes='${num_classes}',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        out_indices=(3, ),
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(type='FeatureBottleneck', in_channels=2048, out_channels=256),
    head=dict(
        type='WeightNormClsHead',
        num_classes='${num_classes}',
        in_channels=256,
        loss=dict(
            type='LabelSmoothLoss',
            label_smooth_val=0.1,
            mode='original',
            num_classes='${num_classes}')))
