"""Tiny SOCKET models and batches shared by the algorithm tests."""
import torch
from mmpretrain.structures import DataSample

from mmsocket.registry import MODELS

NUM_CLASSES = 3
FEAT = 16


def tiny_source(num_classes=NUM_CLASSES):
    """A ResNet-18 at 1/8 width: 20 BN2d layers, fast at 32 px."""
    return dict(
        type='ImageClassifier',
        data_preprocessor=dict(
            type='ClsDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            to_rgb=True),
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=8,
            base_channels=8,
            out_indices=(3, )),
        neck=dict(type='FeatureBottleneck', in_channels=64, out_channels=FEAT),
        head=dict(
            type='WeightNormClsHead',
            num_classes=num_classes,
            in_channels=FEAT,
            loss=dict(
                type='LabelSmoothLoss',
                label_smooth_val=0.1,
                mode='original',
                num_classes=num_classes)))


def build_socket(num_sources=1, seed=0, **overrides):
    torch.manual_seed(seed)
    cfg = dict(
        type='SOCKET',
        sources=[dict(model=tiny_source()) for _ in range(num_sources)])
    cfg.update(overrides)
    return MODELS.build(cfg)


def fill_banks(model, n_target, n_ti, seed=0):
    """Random but valid banks, as the hooks would leave them."""
    g = torch.Generator().manual_seed(seed)
    s = model.num_sources
    if model.needs_ti_bank:
        model.ti_bank = torch.randn(s, n_ti, FEAT, generator=g)
    if model.needs_pseudo_labels:
        feats = torch.randn(s, n_target, FEAT, generator=g)
        probs = torch.rand(s, n_target, NUM_CLASSES, generator=g).softmax(-1)
        c, f, m = model.pseudo_labeler.fit(feats, probs)
        model.pl_centroids, model.pl_features, model.pl_labelset = c, f, m


def stream(images, indices, sample_cls=DataSample):
    samples = []
    for i in indices:
        s = sample_cls()
        s.set_metainfo(dict(sample_idx=int(i)))
        samples.append(s)
    return dict(inputs=list(images), data_samples=samples)


def batch(n=4, n_target=8, n_ti=6, size=32, seed=0, sample_cls=DataSample):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(
        0, 256, (n, 3, size, size), generator=g, dtype=torch.uint8)
    x_ti = torch.randint(
        0, 256, (n, 3, size, size), generator=g, dtype=torch.uint8)
    idx = torch.randperm(n_target, generator=g)[:n]
    idx_ti = torch.randperm(n_ti, generator=g)[:n]
    return dict(
        target=stream(x, idx, sample_cls), ti=stream(x_ti, idx_ti, sample_cls))
