# Table V variant "with G(x')": the first term of eq. 10 uses G(x') instead
# of x' (G is still trained on the mixed images only, eq. 9).
_base_ = ['./dfdd_r18w16-r18w8_sim.py']
model = dict(plain_term='generator')
