# DFAD (Table II): a noise-to-image generator trained adversarially against
# the student (mmrazor's recipe, docs/methods/dfdd.md#dfad-as-we-adapt-it),
# 5 student iterations per
# generator iteration. The loader yields latent codes only.
_base_ = ['./kd-ood_r18w16-r18w8_sim.py']
latent_dim = 64
model = dict(
    _delete_=True,
    type='DFAD',
    teacher={{_base_.mff_resnet18_w16}},
    student={{_base_.mff_resnet18_w8}},
    teacher_ckpt={{_base_.teacher_ckpt}},
    generator=dict(
        type='NoiseImageGenerator',
        img_size=(56, 76),  # (H, W) of the base configs' crop
        latent_dim=latent_dim,
        hidden_channels=64),
    student_iters=5)
# 200 codes / batch 8 = 25 steps per epoch x 5 student iterations = 125
# student updates per epoch, as many as KD-OOD makes on 1000 images.
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='GaussianNoiseDataset',
        shape=(latent_dim, ),
        length=200))
optim_wrapper = dict(
    generator=dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3)))
