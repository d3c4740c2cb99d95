# Ours, Table II pair 2 (ResNet-34 -> MobileNet-v2 MFF nets), SceneNet X'_1: object-wise
# mixing, transformation net G (0.001 l_BN + 0.001 l_rec), eq. 10.
_base_ = ['./kd-ood_mff-r34_mff-mbv2_scenenet.py']
model = dict(
    generator=dict(_delete_=True, type='TransformationNet', base_channels=32),
    mixing=dict(_delete_=True, type='ObjectMix', ratio=0.5),
    mixed_term=True)
optim_wrapper = dict(generator={{_base_.generator_optim_wrapper}})
