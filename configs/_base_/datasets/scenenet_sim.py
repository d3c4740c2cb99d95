# SceneNet RGB-D as the distiller's simulated set at paper scale
# (docs/dfdd_data.md, docs/methods/dfdd.md#setting): the 1000 validation
# trajectories
# under data/scenenet/val, semantic maps from the instance maps and the
# exported instance->class JSON (data/scenenet/scenenet_val_instances.json,
# written next to, not into, the official tree). X'_1 = a random 50K
# subset (below); X'_2 = all 300K frames (max_samples=None). 320x240 renders
# centre-cropped to 304x228; depth is never loaded (data-free).
# Evaluation stays on NYU-v2's 654 test images (inherited); for a ScanNet
# teacher, inherit scannet.py instead and keep this train_dataloader.
_base_ = ['./nyu_depth.py']

# Where the SceneNet RGB-D validation renders are (its own setting: the
# evaluation loaders keep data_root, NYU-v2).
sim_data_root = 'data/scenenet/val'
sim_crop_size = (304, 228)  # (w, h)
sim_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadSemanticAnnotation'),
    dict(type='DenseCenterCrop', crop_size=sim_crop_size),
    dict(type='PackDepthInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,  # mixing permutes within a batch: keep it full
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _delete_=True,  # the NYU dataset's options do not apply
        type='SceneNetRGBDDataset',
        data_root='${sim_data_root}',
        ann_file='../scenenet_val_instances.json',
        max_samples=50000,  # X'_1; None for X'_2
        subset_seed=0,
        require=('inst_path', ),
        pipeline=sim_pipeline))
