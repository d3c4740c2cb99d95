# Supervised student (the upper bound of Table II): the w8 MFF depth net
# trained with ground truth on the "real" domain, teacher recipe.
_base_ = [
    './teacher_r18w16_real.py', '../../_base_/models/depth_mff_resnet18_w8.py'
]
model = {{_base_.mff_resnet18_w8}}
custom_hooks = []
