# Copyright (c) mmsocket contributors. All rights reserved.
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmsocket.models.utils import ClusterPseudoLabeler
from mmsocket.registry import MODELS

# Six 2-D features chosen so that the augmented rows [f, 1] have integer
# norms: |(2,-2,1)| = 3, |(-4,8,1)| = |(4,-8,1)| = |(-8,4,1)| =
# |(-4,-8,1)| = 9, |(0,0,1)| = 1.
FEATS = torch.tensor([[2., -2.], [-4., 8.], [4., -8.], [0., 0.], [-8., 4.],
                      [-4., -8.]])
AUG = np.array(
    [[2, -2, 1], [-4, 8, 1], [4, -8, 1], [0, 0, 1], [-8, 4, 1], [-4, -8, 1]],
    dtype=np.float64) / np.array([[3], [9], [9], [1], [9], [9]])
# Predictions: every point is class 0 except (0, 0), which is class 1.
PROBS = torch.tensor([[1., 0.], [1., 0.], [1., 0.], [0., 1.], [1., 0.],
                      [1., 0.]])


def fit_one(labeler, feats, probs):
    """fit() on a single source; returns centroids (K, D+1), aug, mask."""
    c, f, m = labeler.fit(feats[None], probs[None])
    return c[0], f[0], m[0]


def labels_of(labeler, aug, centroids, mask):
    return labeler.assign(aug[None], centroids[None], mask[None],
                          torch.ones(1)).tolist()


def test_augment_normalises_f_one():
    out = ClusterPseudoLabeler.augment(FEATS)
    np.testing.assert_allclose(out.numpy(), AUG, atol=1e-7)
    # works on (S, N, D) too
    assert ClusterPseudoLabeler.augment(torch.zeros(2, 3,
                                                    4)).shape == (2, 3, 5)


def test_soft_centroids_cosine_vs_euclidean_and_hard_round_by_hand():
    soft = ClusterPseudoLabeler(rounds=1, distance='cosine')
    c, aug, mask = fit_one(soft, FEATS, PROBS)
    np.testing.assert_allclose(aug.numpy(), AUG, atol=1e-7)
    assert mask.tolist() == [True, True]
    # Soft centroids (one-hot probs -> plain means of the members):
    # class 0 = (a + b + c + e + f) / 5 with, over 9,
    #   a = (6, -6, 3), b = (-4, 8, 1), c = (4, -8, 1), e = (-8, 4, 1),
    #   f = (-4, -8, 1): sum = (-6, -10, 7) / 9 -> c0 = (-6, -10, 7) / 45
    # class 1 = d = (0, 0, 1)
    np.testing.assert_allclose(
        c.numpy(), [[-6 / 45, -10 / 45, 7 / 45], [0, 0, 1]], atol=1e-6)

    # Round-1 cosine labels: cos(x, c0) = x . (-6, -10, 7) / sqrt(185)
    # (sqrt(185) = 13.60), cos(x, c1) = x_z:
    #   a: 5 / 13.60 = 0.368  vs 1/3 = 0.333 -> 0
    #   b: (24 - 80 + 7)/9 / 13.60 = -0.400 vs 1/9 -> 1
    #   c: 63/9 / 13.60 = 0.515 vs 1/9 -> 0
    #   d: 7 / 13.60 = 0.515 vs 1 -> 1
    #   e: 15/9 / 13.60 = 0.1225 vs 1/9 = 0.111 -> 0
    #   f: 111/9 / 13.60 = 0.907 vs 1/9 -> 0
    cos_labels = [0, 1, 0, 1, 0, 0]
    assert labels_of(soft, aug, c, mask) == cos_labels

    # Round-1 Euclidean labels: |x - c|^2 = 1 + |c|^2 - 2 x.c with
    # |c0|^2 = 185/2025 = 37/405, |c1|^2 = 1. For b:
    #   |b - c0|^2 = 1 + 37/405 + 2 * 49/405 = 4/3
    #   |b - c1|^2 = 2 - 2/9 = 16/9 > 4/3 -> 0  (cosine said 1: c0 is a
    #   short vector, cosine ignores its length, Euclidean does not)
    # the others agree with cosine (d: |d - c1| = 0 -> 1).
    euc = ClusterPseudoLabeler(rounds=1, distance='euclidean')
    assert labels_of(euc, aug, c, mask) == [0, 0, 0, 1, 0, 0]

    # Second (hard) round, SHOT-style: centroids = means of the round-1
    # cosine clusters {a, c, e, f} and {b, d}:
    #   c0 = ((6,-6,3) + (4,-8,1) + (-8,4,1) + (-4,-8,1)) / 9 / 4
    #      = (-2, -18, 6) / 36 = (-1, -9, 3) / 18
    #   c1 = ((-4,8,1) + (0,0,9)) / 9 / 2 = (-2, 4, 5) / 9
    hard = ClusterPseudoLabeler(rounds=2, distance='cosine')
    c2, _, mask2 = fit_one(hard, FEATS, PROBS)
    np.testing.assert_allclose(
        c2.numpy(), [[-1 / 18, -9 / 18, 3 / 18], [-2 / 9, 4 / 9, 5 / 9]],
        atol=1e-6)
    assert mask2.tolist() == [True, True]
    # Round-2 labels: directions (-1,-9,3)/sqrt(91), (-2,4,5)/sqrt(45):
    #   a: 19/3 / 9.54 = 0.664  vs (-4-8+5)/3 < 0  -> 0
    #   b: (4-72+3)/9 < 0       vs 45/9 / 6.71 = 0.745 -> 1
    #   c: 71/9 / 9.54 = 0.827  vs (-8-32+5)/9 < 0 -> 0
    #   d: 3 / 9.54 = 0.314     vs 5 / 6.71 = 0.745 -> 1
    #   e: (8-36+3)/9 < 0       vs (16+16+5)/9 / 6.71 = 0.613 -> 1 (moved)
    #   f: 79/9 / 9.54 = 0.920  vs (8-32+5)/9 < 0 -> 0
    assert labels_of(hard, aug, c2, mask2) == [0, 1, 0, 1, 1, 0]


DECISION_CFG = osp.join(
    osp.dirname(__file__), '..', '..', '..', 'configs', '_base_', 'methods',
    'decision.py')


def test_decision_refines_with_cosine_then_assigns_euclidean():
    cfg = Config.fromfile(DECISION_CFG).model.pseudo_labeler
    init_default_scope('mmsocket')
    lab = MODELS.build(cfg)
    c, aug, mask = fit_one(lab, FEATS, PROBS)
    # DECISION: soft centroids -> cosine labels [0,1,0,1,0,0] (see the
    # hand computation above) -> hard centroids of {a,c,e,f} and {b,d}:
    # (-1,-9,3)/18 and (-2,4,5)/9. With Euclidean round-1 labels
    # [0,0,0,1,0,0] they would be (a+b+c+e+f)/5 = (-6,-10,7)/45 and d.
    np.testing.assert_allclose(
        c.numpy(), [[-1 / 18, -9 / 18, 3 / 18], [-2 / 9, 4 / 9, 5 / 9]],
        atol=1e-6)
    # Batch labels: Euclidean to those centroids, |c0|^2 = 91/324,
    # |c1|^2 = 45/81; x.c (x9 for b,c,e,f): a: 19/54 vs -7/27; b: -65/162
    # vs 45/81; c: 71/162 vs -35/81; d: 3/18 vs 5/9; e: -25/162 vs 37/81;
    # f: 79/162 vs -19/81. Compare x.c - |c|^2/2 (0.1404 / 0.2778):
    # a: .352-.140=.211 > -.259-.278 -> 0; b: -.401-.140 < .556-.278 -> 1;
    # c: .438-.140 > -.432-.278 -> 0; d: .167-.140=.026 < .556-.278 -> 1;
    # e: -.154-.140 < .457-.278 -> 1; f: .488-.140 > -.235-.278 -> 0
    assert labels_of(lab, aug, c, mask) == [0, 1, 0, 1, 1, 0]


# Three classes; class 2 carries 0.4 of b's mass but is nobody's argmax.
PROBS3 = torch.tensor([[1., 0., 0.], [.6, 0., .4], [1., 0., 0.], [0., 1., 0.],
                       [1., 0., 0.], [1., 0., 0.]])


def test_labelset_threshold_drops_unpredicted_class():
    # Soft centroids: c2 = 0.4 b / 0.4 = b; c1 = d;
    # c0 = (a + 0.6 b + c + e + f) / 4.6, over 9:
    #   (6,-6,3) + (-2.4,4.8,0.6) + (4,-8,1) + (-8,4,1) + (-4,-8,1)
    #   = (-4.4, -13.2, 6.6) = 2.2 * (-2, -6, 3), |(-2,-6,3)| = 7
    keep_all = ClusterPseudoLabeler(rounds=1, distance='cosine')
    c, aug, mask = fit_one(keep_all, FEATS, PROBS3)
    np.testing.assert_allclose(
        c[0].numpy(), np.array([-4.4, -13.2, 6.6]) / 9 / 4.6, atol=1e-6)
    np.testing.assert_allclose(c[2].numpy(), AUG[1], atol=1e-6)
    assert mask.tolist() == [True, True, True]
    # cos to (c0, c1, c2) with c0 dir (-2,-6,3)/7:
    #   a: 11/21 = .52, 1/3, (-8-16+1)/27 < 0  -> 0
    #   b: -37/63, 1/9, 1                       -> 2
    #   c: 43/63 = .68, 1/9, < 0                -> 0
    #   d: 3/7, 1, 1/9                          -> 1
    #   e: -5/63, 1/9, b.e = 65/81 = .80        -> 2
    #   f: 59/63 = .94, 1/9, < 0                -> 0
    assert labels_of(keep_all, aug, c, mask) == [0, 2, 0, 1, 2, 0]

    # threshold 0: argmax counts (5, 1, 0) -> class 2 leaves the label set;
    # b and e then go to 1 (1/9 beats a negative cosine to c0).
    shot1 = ClusterPseudoLabeler(
        rounds=1, distance='cosine', labelset_threshold=0)
    c, aug, mask = fit_one(shot1, FEATS, PROBS3)
    assert mask.tolist() == [True, True, False]
    assert labels_of(shot1, aug, c, mask) == [0, 1, 0, 1, 1, 0]

    # SHOT (2 rounds): round-1 labels [0,1,0,1,1,0] (counts 3, 3, 0);
    # hard centroids c0 = (a+c+f)/3 = (6,-22,5)/27,
    # c1 = (b+d+e)/3 = (-12,12,11)/27; class 2 stays out. Round 2:
    #   a: 61 > 0 vs -37 -> 0; b: < 0 vs 155 -> 1; c: 205 vs < 0 -> 0;
    #   d: 5/sqrt(545) = .21 vs 11/sqrt(409) = .54 -> 1;
    #   e: < 0 vs 155 -> 1; f: 157 vs -37 -> 0     (dot products x 9)
    shot = ClusterPseudoLabeler(
        rounds=2, distance='cosine', labelset_threshold=0)
    c, aug, mask = fit_one(shot, FEATS, PROBS3)
    np.testing.assert_allclose(
        c[:2].numpy(),
        [[6 / 27, -22 / 27, 5 / 27], [-12 / 27, 12 / 27, 11 / 27]],
        atol=1e-6)
    assert mask.tolist() == [True, True, False]
    assert labels_of(shot, aug, c, mask) == [0, 1, 0, 1, 1, 0]


def test_threshold_counts_strictly_more_than():
    # threshold 1 keeps classes with >= 2 argmax members: counts (5, 1, 0)
    lab = ClusterPseudoLabeler(
        rounds=1, distance='cosine', labelset_threshold=1)
    _, _, mask = fit_one(lab, FEATS, PROBS3)
    assert mask.tolist() == [True, False, False]


def test_multi_source_assign_combines_features_and_centroids():
    euc = ClusterPseudoLabeler(distance='euclidean')
    # Two sources, two classes, 2-D stored features (not normalised here:
    # assign only combines and measures).
    centroids = torch.tensor([
        [[0., 0.], [2., 2.]],  # source 0
        [[0., 0.], [-2., 2.]],  # source 1
    ])
    feats = torch.tensor([
        [[0., 1.9], [2., 2.]],  # source 0: samples 0, 1
        [[0., 1.9], [-2., 2.]],  # source 1
    ])
    mask = torch.ones(2, 2, dtype=torch.bool)
    # Source 0 alone (zeta = (1, 0)): sample 0 at (0, 1.9):
    #   |.-(0,0)| = 1.9, |.-(2,2)| = sqrt(4 + 0.01) = 2.0025 -> 0;
    #   sample 1 is on c1 -> 1. Source 1 alone: mirror image, same labels.
    assert euc.assign(feats, centroids, mask,
                      torch.tensor([1., 0.])).tolist() == [0, 1]
    assert euc.assign(feats, centroids, mask,
                      torch.tensor([0., 1.])).tolist() == [0, 1]
    # zeta = (.5, .5): f0 = (0, 1.9); c0 = (0, 0), c1 = .5(2,2) + .5(-2,2)
    # = (0, 2): 1.9 vs 0.1 -> 1 although each source alone says 0.
    # f1 = (0, 2) = c1 -> 1.
    assert euc.assign(feats, centroids, mask,
                      torch.tensor([.5, .5])).tolist() == [1, 1]
    # zeta = (.9, .1): f0 = (0, 1.9); c0 = (0, 0), c1 = (1.6, 2):
    #   |f0 - c0| = 1.9 > |f0 - c1| = sqrt(2.56 + .01) = 1.603 -> 1
    #   (zeta = (1, 0) gave 0: the label moves with zeta);
    # f1 = .9 (2, 2) + .1 (-2, 2) = (1.6, 2) = c1 -> 1.
    assert euc.assign(feats, centroids, mask,
                      torch.tensor([.9, .1])).tolist() == [1, 1]
    # A class is usable if any source keeps it: mask source 0's class 1
    # only -> still assignable; mask it everywhere -> everything is 0.
    m = mask.clone()
    m[0, 1] = False
    assert euc.assign(feats, centroids, m,
                      torch.tensor([.5, .5])).tolist() == [1, 1]
    m[1, 1] = False
    assert euc.assign(feats, centroids, m,
                      torch.tensor([.5, .5])).tolist() == [0, 0]
    # zeta from a learnable parameter: no gradient flows, labels only.
    w = torch.zeros(2, requires_grad=True)
    labels = euc.assign(feats, centroids, mask, torch.softmax(w, 0))
    assert labels.tolist() == [1, 1] and not labels.requires_grad


def shot_reference(feats, probs, threshold=0):
    """SHOT's obtain_label in numpy (tim-learn/SHOT, cosine, 2 rounds)."""
    f = np.concatenate([feats, np.ones((len(feats), 1))], 1)
    f = f / np.linalg.norm(f, axis=1, keepdims=True)
    num_classes = probs.shape[1]
    predict = probs.argmax(1)
    aff = probs
    for _ in range(2):
        initc = aff.T @ f / (1e-8 + aff.sum(0)[:, None])
        counts = np.eye(num_classes)[predict].sum(0)
        labelset = np.where(counts > threshold)[0]
        c = initc[labelset]
        cos = f @ c.T / np.linalg.norm(c, axis=1)[None]
        predict = labelset[(1 - cos).argmin(1)]
        aff = np.eye(num_classes)[predict]
    return predict


def test_single_source_assign_equals_shot():
    rng = np.random.default_rng(0)
    n, d, k = 120, 6, 5
    centres = rng.normal(size=(k, d)) * 2
    truth = rng.integers(0, k, n)
    feats = centres[truth] + rng.normal(size=(n, d))
    logits = feats @ rng.normal(size=(d, k))
    logits[:, 4] -= 100  # class 4 is nobody's argmax -> labelset drops it
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    expected = shot_reference(feats, probs)
    assert 4 not in expected
    # the refinement changes something, or the test would prove little
    assert (expected != probs.argmax(1)).sum() > 5

    init_default_scope('mmsocket')
    lab = MODELS.build(
        dict(
            type='ClusterPseudoLabeler',
            rounds=2,
            distance='cosine',
            labelset_threshold=0))
    c, aug, mask = lab.fit(
        torch.from_numpy(feats)[None],
        torch.from_numpy(probs)[None])
    assert c.shape == (1, k, d + 1) and aug.shape == (1, n, d + 1)
    assert mask.shape == (1, k) and not mask[0, 4]
    zeta = torch.ones(1)
    full = lab.assign(aug, c, mask, zeta).numpy()
    np.testing.assert_array_equal(full, expected)
    # per batch, in a shuffled order, as the training loop does
    order = torch.from_numpy(rng.permutation(n))
    for batch in order.split(32):
        np.testing.assert_array_equal(
            lab.assign(aug[:, batch], c, mask, zeta).numpy(),
            expected[batch.numpy()])


@pytest.mark.parametrize('kwargs, match', [
    (dict(rounds=0), 'rounds'),
    (dict(distance='manhattan'), 'manhattan'),
])
def test_bad_args(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ClusterPseudoLabeler(**kwargs)


@pytest.mark.parametrize(
    'feats_shape, probs_shape',
    [
        ((6, 2), (6, 2)),  # no source dimension
        ((1, 6, 2), (1, 5, 2)),  # N differs
        ((2, 6, 2), (1, 6, 2)),  # S differs
        ((1, 6, 2), (6, 2)),
    ])
def test_fit_bad_shapes(feats_shape, probs_shape):
    lab = ClusterPseudoLabeler()
    with pytest.raises(ValueError, match='disagree'):
        lab.fit(torch.rand(feats_shape), torch.rand(probs_shape))


def test_assign_bad_shapes():
    lab = ClusterPseudoLabeler()
    feats, centroids = torch.rand(2, 4, 3), torch.rand(2, 5, 3)
    mask = torch.ones(2, 5, dtype=torch.bool)
    with pytest.raises(RuntimeError):  # zeta of 3 sources for 2
        lab.assign(feats, centroids, mask, torch.ones(3))
    with pytest.raises(RuntimeError):  # centroid width != feature width
        lab.assign(feats, torch.rand(2, 5, 4), mask, torch.ones(2))
