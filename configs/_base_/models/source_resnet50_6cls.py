# The paper-scale source classifier for the 6-class tasks (DIML RGB+D and
# RGB-NIR Scene, SOCKET Table 2): source_resnet50.py with a 6-way head.
_base_ = ['./source_resnet50.py']
num_classes = 6
source_model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    head=dict(num_classes=num_classes, loss=dict(num_classes=num_classes)))
