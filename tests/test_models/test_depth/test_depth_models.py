import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.structures import BaseDataElement

from mmsocket.registry import MODELS

TINY = dict(
    type='DepthEstimator',
    backbone=dict(
        type='ResNet',
        depth=18,
        stem_channels=8,
        base_channels=8,
        out_indices=(0, 1, 2, 3)),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=32,
        mff_channels=4,
        refine_channels=8))


def test_encoder_channels_are_probed_and_output_is_half_size():
    net = MODELS.build(TINY)
    assert net.decode_head.in_channels == [8, 16, 32, 64]
    assert net(torch.randn(2, 3, 46, 62)).shape == (2, 1, 24, 32)
    mb = MODELS.build(
        dict(
            TINY,
            backbone=dict(
                type='MobileNetV2',
                widen_factor=0.25,
                out_indices=(1, 2, 4, 6))))
    assert mb(torch.randn(1, 3, 32, 48)).shape == (1, 1, 16, 24)


def test_loss_and_predict():
    net = MODELS.build(TINY)
    data = dict(
        inputs=[
            torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8)
            for _ in range(2)
        ],
        data_samples=[
            BaseDataElement(gt_depth=torch.rand(1, 32, 32) + 1)
            for _ in range(2)
        ])
    logs = net.train_step(
        data, OptimWrapper(torch.optim.SGD(net.parameters(), lr=1e-3)))
    assert torch.isfinite(logs['loss_depth'])
    net.eval()
    out = net.val_step(data)
    assert out[0].pred_depth.shape == (1, 16, 16)
    assert out[0].pred_depth.min() >= net.min_depth
    with pytest.raises(KeyError, match='gt_depth'):
        net.loss(torch.randn(1, 3, 32, 32), [BaseDataElement()])


def test_bad_backbone_output():
    with pytest.raises(ValueError, match='out_indices'):
        MODELS.build(
            dict(
                TINY,
                backbone=dict(
                    type='ResNet',
                    depth=18,
                    base_channels=8,
                    stem_channels=8,
                    out_indices=(3, ))))


def test_transformation_net_starts_as_identity_and_learns():
    g = MODELS.build(dict(type='TransformationNet', base_channels=8))
    x = torch.randn(2, 3, 23, 31)
    assert torch.equal(g(x), x)
    g.init_weights()
    assert torch.equal(g(x), x)
    (g(x)**2).mean().backward()
    assert g.out.weight.grad.abs().sum() > 0


def test_noise_image_generator():
    gen = MODELS.build(
        dict(
            type='NoiseImageGenerator',
            img_size=(8, 12),
            latent_dim=16,
            hidden_channels=8))
    img = gen(torch.randn(4, 16))
    assert img.shape == (4, 3, 8, 12)
    # last affine-free BN: per-channel zero batch mean
    assert img.mean(dim=(0, 2, 3)).abs().max() < 1e-4
    with pytest.raises(ValueError, match='latent'.replace('latent', '16')):
        gen(torch.randn(4, 8))
    with pytest.raises(ValueError, match='divisible'):
        MODELS.build(dict(type='NoiseImageGenerator', img_size=(6, 8)))
