# Target adaptation of SHOT / DECISION / SOCKET, and of TGKT's F_t
# (docs/methods/socket.md#defaults; TGKT's Nesterov momentum:
# docs/methods/tgmb_tgkt.md#optimiser-of-f_t-nesterov-or-plain-momentum):
# same optimiser as source training, 15 epochs, the final model is kept.
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
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=15, val_interval=5)
val_cfg = dict()
test_cfg = dict()
