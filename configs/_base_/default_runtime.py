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
    # Run safety (docs/reliability.md); each one is turned off with
    # `--cfg-options default_hooks.<name>=None`.
    # One live run per work dir (a killed run's lock does not block).
    work_dir_lock=dict(type='WorkDirLockHook'),
    # The first non-finite loss or gradient stops the run; no checkpoint
    # with non-finite tensors is written.
    divergence_guard=dict(type='DivergenceGuardHook'),
    # RNG and data-stream states in the checkpoints: --resume after a kill
    # gives the uninterrupted run's weights bit for bit.
    exact_resume=dict(type='ExactResumeHook'),
    # The same checkpoint keys however the run was launched; evaluating or
    # resuming a checkpoint that does not fit the model is an error.
    checkpoint_keys=dict(type='CheckpointKeysHook'),
    # Distributed: average the ranks' buffers (BN running statistics) after
    # each epoch, so that the checkpoint is the model every rank validated.
    sync_buffers=dict(type='SyncBuffersHook'),
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
