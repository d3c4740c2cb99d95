# Random-noise KD (Table II): plain distillation on Gaussian noise images,
# N(0, I) after normalisation. Neither real nor simulated images are read.
_base_ = ['./kd-ood_r18w16-r18w8_sim.py']
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='GaussianNoiseDataset',
        shape=(3, 56, 76),  # (C, H, W) of the base configs' crop
        length=1000,
        mean=[103.53, 116.28, 123.675],  # BGR, as packed images
        std=[57.375, 57.12, 58.395]))
