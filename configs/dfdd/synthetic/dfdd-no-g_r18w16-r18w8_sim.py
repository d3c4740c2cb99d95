# Table V ablation: without G (KD on x' and on the mixed images x_hat).
_base_ = ['./kd-ood_r18w16-r18w8_sim.py']
model = dict(
    mixing=dict(_delete_=True, type='ObjectMix', ratio=0.5), mixed_term=True)
