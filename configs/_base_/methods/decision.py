# DECISION (Ahmed et al., CVPR 2021; docs/methods/socket.md#decision) as a
# configuration
# of the SOCKET model: several sources mixed by learnable zeta (w ~ U(-1, 1)),
# no task-irrelevant or BN-moment loss, pseudo-labels from hard centroids
# (one cosine refinement), assigned per batch by Euclidean distance to the
# zeta-combined centroids, clustered on the training transform.
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
        refine_distance='cosine',
        distance='euclidean'),
    zeta_init='uniform')
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
custom_hooks = [
    dict(
        type='PseudoLabelHook',
        dataloader=dict(batch_size=96),
        interval=1,
        by_epoch=True),
]
