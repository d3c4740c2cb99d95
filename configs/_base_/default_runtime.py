# Runtime shared by every mmsocket config.
default_scope = 'mmsocket'
# Registers our modules (also under mmpretrain's registries) when the
# config is read, so mmpretrain's own tools, which build in the
# 'mmpretrain' scope, find them (get_model, ImageClassificationInferencer,
# get_flops.py, browse_dataset.py; see mmsocket/registry.py).
custom_imports = dict(
    imports=['mmsocket.models', 'mmsocket.datasets', 'mmsocket.evaluation'],
    allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # atomic_local: write to a temp file, fsync, rename; a run killed while
    # saving leaves the previous checkpoint intact (keep >= 2 of them).
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=2,
        backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)

log_processor = dict(by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=2020, deterministic=False)
