# SOCKET (docs/methods/socket.md#socket):
# L_ent - L_div + 0.3 L_pl + 0.5 L_TI + 0.5 L_d,
# pseudo-labels as in the official code (soft centroids, Euclidean, training
# transform), zeta initialised to 1/n. The sources come from the
# `source_checkpoints` setting (one `source_model` each).
model = dict(
    type='SOCKET',
    sources=[],
    # Normalisation of the target modality (depth replicated to 3 channels);
    # ImageNet statistics (docs/methods/source_model.md#normalisation).
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    info_max_loss=dict(type='InfoMaxLoss', loss_weight=1.0),
    pseudo_label_loss=dict(type='CrossEntropyLoss', loss_weight=0.3),
    ti_feature_loss=dict(type='TIFeatureLoss', loss_weight=0.5, mode='code'),
    bn_moment_loss=dict(
        type='BNMomentLoss', loss_weight=0.5, first_layer_weight=10.0),
    pseudo_labeler=dict(
        type='ClusterPseudoLabeler', rounds=1, distance='euclidean'),
    zeta_init=1.0)
# Trainable encoders and zeta are wrapped by DDP one by one; frozen
# classifiers are not.
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
custom_hooks = [
    # psi from the source-modality half of each TI pair (the TI stream with
    # modality=source_modality; the setting of the data base).
    dict(
        type='TIFeatureBankHook',
        dataloader=dict(batch_size=96),
        source_modality='${source_modality}'),
    dict(
        type='PseudoLabelHook',
        dataloader=dict(batch_size=96),
        interval=1,
        by_epoch=True),
]
