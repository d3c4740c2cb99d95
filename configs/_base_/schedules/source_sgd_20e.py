# Source-model training of SHOT / SOCKET
# (docs/methods/source_model.md#loss-and-optimiser): SGD with
# Nesterov momentum, backbone at 0.1x, (1 + 10 t/T)^-0.75 decay per iteration,
# validation on a 10 % split, best checkpoint kept and exported.
optim_wrapper = dict(
    # mmengine's constructor, logging one summary line instead of one per
    # parameter (mmsocket/engine/optimizers).
    constructor='QuietOptimWrapperConstructor',
    optimizer=dict(
        type='SGD', lr=1e-2, momentum=0.9, weight_decay=1e-3, nesterov=True),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
param_scheduler = dict(
    type='InverseDecayLR',
    gamma=10.0,
    power=0.75,
    one_based=True,  # SHOT's code steps t before the update
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=2)
val_cfg = dict()
test_cfg = dict()
# The best-validation weights go to <work_dir>/source.pth for the transfer
# configs to load.
custom_hooks = [
    dict(
        type='ExportCheckpointHook',
        filename='source.pth',
        save_best='accuracy/top1')
]
