# Ours (data-free dense depth distillation): object-wise mixing of the
# simulated images, the transformation network G trained with
# 0.001 * l_BN + 0.001 * l_rec, student loss of eq. 10.
_base_ = ['./kd-ood_r18w16-r18w8_sim.py']
model = dict(
    generator=dict(_delete_=True, type='TransformationNet', base_channels=16),
    mixing=dict(_delete_=True, type='ObjectMix', ratio=0.5),
    mixed_term=True)
optim_wrapper = dict(generator={{_base_.generator_optim_wrapper}})
