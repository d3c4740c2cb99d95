# DFAD, Table II pair 4 (docs/methods/dfdd.md#dfad-as-we-adapt-it):
# generator 3x228x304 from a
# 256-d code, 5 student iterations (Adam 1e-4, as the other rows) per
# generator iteration (AdamW 1e-3), L1 between depth maps.
_base_ = ['./kd-ood_mff-r50_mff-r18_scenenet.py']
model = dict(
    _delete_=True,
    type='DFAD',
    teacher={{_base_.mff_resnet50}},
    student={{_base_.mff_resnet18}},
    teacher_ckpt={{_base_.teacher_ckpt}},
    generator=dict(
        type='NoiseImageGenerator', img_size=(228, 304), latent_dim=256),
    student_iters=5)
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='GaussianNoiseDataset',
        shape=(256, ),
        length=10000))  # x 5 student iterations = 50K images per epoch
optim_wrapper = dict(
    generator=dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3)))
