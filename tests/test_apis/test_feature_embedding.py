# Copyright (c) mmsocket contributors. All rights reserved.
"""The feature-embedding picture: PCA on hand cases, the t-SNE / PCA
choice stated, and the three panels of a tiny SOCKET config."""
import sys

import mmcv
import numpy as np
import pytest
import torch

from mmsocket.apis.feature_embedding import (embed_2d, feature_embedding,
                                             pca_2d, plot_embedding)
from mmsocket.registry import MODELS
from tests.test_engine.test_socket_runner import transfer_cfg


def test_pca_of_points_on_a_line_and_a_plane():
    t = np.linspace(-1, 1, 9)
    line = np.stack([t, 2 * t, -t], 1) + 5
    xy, share = pca_2d(line)
    assert share[0] == pytest.approx(1.0) and share[1] == pytest.approx(0.0)
    # The first coordinate is the position along the line (up to sign).
    assert np.abs(np.abs(xy[:, 0]) - np.abs(t) * np.sqrt(6)).max() < 1e-9
    plane = np.array([[2., 0, 0], [-2, 0, 0], [0, 1, 0], [0, -1, 0]])
    xy, share = pca_2d(plane)
    assert share == pytest.approx([0.8, 0.2])
    assert np.abs(xy).round(9).tolist() == [[2, 0], [2, 0], [0, 1], [0, 1]]


def test_method_is_stated_and_pca_stands_in_for_tsne(monkeypatch):
    x = np.random.default_rng(0).normal(size=(30, 5))
    assert embed_2d(x, 'tsne')[1] == 't-SNE'
    assert embed_2d(x, 'pca')[1].startswith('PCA (PC 1: ')
    monkeypatch.setitem(sys.modules, 'sklearn.manifold', None)
    with pytest.warns(UserWarning, match='PCA instead of t-SNE'):
        points, method = embed_2d(x, 'auto')
    assert method.startswith('PCA') and points.shape == (30, 2)
    with pytest.raises(ImportError, match='pip install scikit-learn'):
        embed_2d(x, 'tsne')


def test_plot_has_a_legend_of_class_names_and_titled_panels():
    pts = [np.zeros((4, 2)), np.ones((4, 2))]
    labels = [np.array([0, 1, 2, 1])] * 2
    fig = plot_embedding(pts, labels, ['a panel', 'b panel'],
                         ['cat', 'dog', 'emu'], 't-SNE')
    assert [t.get_text()
            for t in fig.legends[0].get_texts()] == ['cat', 'dog', 'emu']
    assert [ax.get_title() for ax in fig.axes] == ['a panel', 'b panel']
    assert fig.axes[0].get_ylabel() == 't-SNE 2'


def test_three_panels_of_a_tiny_socket_run(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    cfg = transfer_cfg('socket', data_root, ckpt, num_classes,
                       str(tmp_path / 'w'))
    config = str(tmp_path / 'socket.py')
    cfg.dump(config)
    model = MODELS.build(cfg.model)
    with torch.no_grad():
        for p in model.encoders.parameters():
            p.add_(0.05 * torch.randn_like(p))
    adapted = str(tmp_path / 'adapted.pth')
    torch.save(dict(state_dict=model.state_dict()), adapted)
    out = tmp_path / 'emb.png'
    result = feature_embedding(config, adapted, str(out), method='pca')
    assert result['method'].startswith('PCA')
    gt = [r // 4 for r in range(12)]  # 4 samples per class, in class order
    for name in ('source', 'before', 'after'):
        assert result['points'][name].shape == (12, 2)
        assert result['labels'][name].tolist() == gt
    assert not np.allclose(result['features']['before'],
                           result['features']['after'])
    # One PCA of the three sets together.
    joint = np.concatenate(
        [result['features'][n] for n in ('source', 'before', 'after')])
    expected, _ = pca_2d(joint)
    np.testing.assert_allclose(
        result['points']['after'], expected[24:], rtol=1e-4, atol=1e-4)
    image = mmcv.imread(str(out))
    assert image.shape[1] > 2 * image.shape[0]  # three panels side by side
    cfg.model = cfg.model.sources[0].model  # a plain classifier config
    cfg.dump(config)
    with pytest.raises(ValueError, match='give a transfer config'):
        feature_embedding(config, adapted, str(out))
