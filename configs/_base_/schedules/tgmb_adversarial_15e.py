# TGMB's optimisers (App. D; docs/methods/tgmb_tgkt.md#hyper-parameters):
# T by SGD lr 1e-3, momentum 0.9,
# wd 1e-3; D1 and D2 by Adam lr 1e-4; the source weights zeta (several
# sources only) by SGD lr 1e-2. Keys are the model's attribute names. The
# paper gives no decay for T, so the rates stay constant.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    translator=dict(
        optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=1e-3)),
    disc_inter=dict(optimizer=dict(type='Adam', lr=1e-4)),
    disc_intra=dict(optimizer=dict(type='Adam', lr=1e-4)),
    mixer=dict(
        optimizer=dict(type='SGD', lr=1e-2, momentum=0.9, weight_decay=1e-3)))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=15, val_interval=5)
val_cfg = dict()
test_cfg = dict()
