# The "simulated" out-of-distribution domain of the embedded synthetic
# depth benchmark (docs/dfdd_data.md): the distiller's training images with
# semantic maps for object-wise mixing. Data-free: no depth is loaded (the
# files exist for diagnostics only). As in the paper, the second image of
# each mix is a random permutation of the batch (Algorithm 1;
# docs/methods/dfdd.md#one-iteration-algorithm-1), so one
# stream of batches suffices: data_samples[i].gt_sem is (H, W) int64.
# Evaluation stays on the real test split (val/test loaders inherited from
# synthetic_depth_real.py); only the training loader is replaced.
_base_ = ['./synthetic_depth_real.py']

sim_data_root = '${data_root}'  # the real domain's root by default
sim_crop_size = (76, 56)  # (w, h), as the real domain's test crop

sim_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadSemanticAnnotation'),
    dict(type='DenseCenterCrop', crop_size=sim_crop_size),
    dict(type='PackDepthInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    drop_last=True,  # mixing permutes within a batch: keep it full
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='DepthDataset',
        data_root='${sim_data_root}',
        ann_file='annotations/sim.json',
        require=('sem_path', ),
        pipeline=sim_pipeline))
