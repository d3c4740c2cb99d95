# TGMB (docs/methods/tgmb_tgkt.md#tgmb-losses): translator T (2,851
# parameters) trained with
# L_rec + alpha_d (L_D1 + L_D2) + alpha_im L_IM, alpha_d = 1.0,
# alpha_im = 0.2; the source model(s) frozen in eval mode. A leaf config
# sets `source_checkpoints` and pairs the TI source-modality stream with the
# TI target stream:
#   train_dataloader = dict(dataset=dict(paired=dict(
#       ti_source=dict(stream='ti', modality='${source_modality}'))))
model = dict(
    type='TGMB',
    sources=[],
    # Normalisation of the target modality (T's input): ImageNet statistics.
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    translator=dict(type='UNetStemTranslator', mid_channels=16),
    # in_channels=None: each source's own feature width (its head's input).
    discriminator=dict(
        type='MLPFeatureDiscriminator', in_channels=None, hidden_channels=500),
    rec_loss=dict(type='PixelReconstructionLoss', criterion='L2'),
    inter_gan_loss=dict(type='GANLoss', gan_type='vanilla', loss_weight=1.0),
    intra_gan_loss=dict(type='GANLoss', gan_type='vanilla', loss_weight=1.0),
    info_max_loss=dict(type='InfoMaxLoss', loss_weight=0.2),
    zeta_init=1.0)
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
# The TGKT configs load T from <work_dir>/tgmb.pth (final weights).
custom_hooks = [
    dict(type='ExportCheckpointHook', filename='tgmb.pth', save_best=None)
]
