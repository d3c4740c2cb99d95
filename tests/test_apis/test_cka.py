# Copyright (c) mmsocket contributors. All rights reserved.
"""Linear CKA on hand-computed cases and its invariances."""
import numpy as np
import pytest

from mmsocket.apis.cka import linear_cka


def test_identical_features_give_one():
    x = np.random.default_rng(0).normal(size=(20, 5))
    assert linear_cka(x, x) == pytest.approx(1.0)


def test_invariant_to_orthogonal_transforms_and_isotropic_scaling():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(30, 6)), rng.normal(size=(30, 4))
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    base = linear_cka(x, y)
    assert linear_cka(x @ q, y) == pytest.approx(base)
    assert linear_cka(3.5 * x, 0.2 * y) == pytest.approx(base)
    assert linear_cka(x + 7.0, y - 2.0) == pytest.approx(base)  # centred
    assert linear_cka(x @ q * 2.0, x) == pytest.approx(1.0)
    # ... but not to anisotropic scaling.
    assert linear_cka(x * np.arange(1, 7), x) < 0.99


def test_hand_computed_values():
    # 1-d features: the squared Pearson correlation. x = 1, 2, 3 and
    # y = 1, 3, 2 centre to (-1, 0, 1) and (-1, 1, 0): Y^T X = 1,
    # X^T X = Y^T Y = 2, so CKA = 1 / (2 * 2).
    assert linear_cka([[1], [2], [3]], [[1], [3], [2]]) == pytest.approx(.25)
    # x = e1, -e1, e2, -e2 (already centred): X^T X = diag(2, 2); y = the
    # first coordinate only: Y^T X = (2, 0), ||.||^2 = 4; ||X^T X|| =
    # sqrt(8), ||Y^T Y|| = 2: CKA = 4 / (2 sqrt(8)) = 1 / sqrt(2).
    x = np.array([[1., 0], [-1, 0], [0, 1], [0, -1]])
    assert linear_cka(x, x[:, :1]) == pytest.approx(1 / np.sqrt(2))


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match='same n'):
        linear_cka(np.zeros((3, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match='constant'):
        linear_cka(np.ones((3, 2)), np.random.rand(3, 2))
