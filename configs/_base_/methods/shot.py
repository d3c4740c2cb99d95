# SHOT (Liang et al., ICML 2020; docs/methods/socket.md#shot) as a
# configuration of
# the SOCKET model: one source, no task-irrelevant or BN-moment loss, SHOT's
# pseudo-labels (two rounds, cosine distance, classes without members
# dropped, clustered on the test transform).
model = dict(
    type='SOCKET',
    sources=[],
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    info_max_loss=dict(type='InfoMaxLoss', loss_weight=1.0),
    pseudo_label_loss=dict(type='CrossEntropyLoss', loss_weight=0.3),
    ti_feature_loss=None,
    bn_moment_loss=None,
    pseudo_labeler=dict(
        type='ClusterPseudoLabeler',
        rounds=2,
        distance='cosine',
        labelset_threshold=0))
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
custom_hooks = [
    dict(
        type='PseudoLabelHook',
        dataloader=dict(batch_size=96),
        # SHOT clusters with the test transform: the test loader's pipeline.
        pipeline='test_dataloader',
        interval=1,
        by_epoch=True),
]
