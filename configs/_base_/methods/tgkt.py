# TGKT (docs/methods/tgmb_tgkt.md#tgkt-losses): target model F_t
# (initialised from the source)
# trained with L_kd + 0.2 L_f + 1.0 L_self; the source model(s) and the
# translator T (from the TGMB checkpoint) frozen. A leaf config sets the
# `source_checkpoints` setting and `model.translator_checkpoint`.
model = dict(
    type='TGKT',
    sources=[],
    translator_checkpoint='',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    translator=dict(type='UNetStemTranslator', mid_channels=16),
    # KL(teacher || student); 'student_teacher' is eq. 7 read literally.
    kd_loss=dict(
        type='KDLoss', tau=1.0, direction='teacher_student', loss_weight=1.0),
    feature_loss=dict(
        type='TIFeatureLoss', loss_weight=0.2, mode='batch_mean'),
    self_training_loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    # SHOT's clustering (App. E cites it): two rounds, cosine distance.
    pseudo_labeler=dict(
        type='ClusterPseudoLabeler',
        rounds=2,
        distance='cosine',
        labelset_threshold=0),
    zeta_init=1.0)
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
        # SHOT clusters with the test transform: the test loader's pipeline.
        pipeline='test_dataloader',
        interval=1,
        by_epoch=True),
]
