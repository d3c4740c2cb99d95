# Random-noise KD, Table II pair 4: plain KD on N(0, I) network inputs
# (50K noise images per epoch, as many as SceneNet X'_1).
_base_ = ['./kd-ood_mff-r50_mff-r18_scenenet.py']
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='GaussianNoiseDataset',
        shape=(3, 228, 304),
        length=50000,
        mean=[103.53, 116.28, 123.675],  # BGR, as packed images
        std=[57.375, 57.12, 58.395]))
