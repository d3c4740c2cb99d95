# Supervised depth training of Hu et al. (JunjH train.py,
# docs/methods/dfdd.md#schedule-and-data):
# Adam 1e-4, weight decay 1e-4, lr x0.1 every 5 epochs, 20 epochs.
# mmengine's constructor, logging one summary line (mmsocket/engine/optimizers).
optim_wrapper = dict(
    constructor='QuietOptimWrapperConstructor',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4))
param_scheduler = dict(type='StepLR', step_size=5, gamma=0.1, by_epoch=True)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=5)
val_cfg = dict()
test_cfg = dict()
