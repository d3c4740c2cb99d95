# Table V ablation: without image mixing (G applied to x'; KD on x' and
# G(x')).
_base_ = ['./dfdd_r18w16-r18w8_sim.py']
model = dict(mixing=None)
