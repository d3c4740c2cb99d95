# CPU-scale source classifier for the synthetic benchmark: a ResNet-18 at
# quarter width (base 16 channels), trained from scratch (no weights can be
# downloaded here), otherwise identical to source_resnet50.py (the class
# count is the config's `num_classes` setting).
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
        depth=18,
        stem_channels=16,
        base_channels=16,
        out_indices=(3, )),
    neck=dict(type='FeatureBottleneck', in_channels=128, out_channels=256),
    head=dict(
        type='WeightNormClsHead',
        num_classes='${num_classes}',
        in_channels=256,
        loss=dict(
            type='LabelSmoothLoss',
            label_smooth_val=0.1,
            mode='original',
            num_classes='${num_classes}')))
