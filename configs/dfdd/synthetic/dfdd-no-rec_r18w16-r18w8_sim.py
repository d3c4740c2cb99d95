# Table V ablation: without l_rec (G trained by alpha * l_BN alone).
_base_ = ['./dfdd_r18w16-r18w8_sim.py']
model = dict(rec_weight=0.0)
