# Data-free depth distillation (paper IV-A, Algorithm 1): Adam 1e-4, weight
# decay 1e-4 for the student (and G, added by the configs that train one),
# lr halved every 5 epochs, 20 epochs. One optimizer per trained network,
# keyed by the algorithm's attribute names; the single scheduler below is
# applied to each of them.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    student=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4)))
generator_optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4))
param_scheduler = dict(type='StepLR', step_size=5, gamma=0.5, by_epoch=True)
# The distillers step each network with its own optimizer in their own
# train_step: under DDP each trained network is wrapped on its own (the
# frozen teacher is not wrapped).
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=5)
val_cfg = dict()
test_cfg = dict()
