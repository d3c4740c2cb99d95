# Copyright (c) mmsocket contributors. All rights reserved.
"""Linear centred kernel alignment (CKA) of two feature sets.

Kornblith et al., "Similarity of Neural Network Representations Revisited",
ICML 2019 (https://arxiv.org/abs/1905.00414), eq. 4: for n paired samples
with features X (n, p) and Y (n, q), columns centred,

    CKA(X, Y) = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F),

1 for representations equal up to an orthogonal transform and an isotropic
scale, 0 for uncorrelated ones; for one-dimensional features it is the
squared Pearson correlation.
"""
import numpy as np


def linear_cka(x, y) -> float:
    """Linear CKA of paired rows of ``x`` (n, p) and ``y`` (n, q)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or len(x) != len(y):
        raise ValueError('linear_cka needs two (n, features) arrays of the '
                         f'same n, got {x.shape} and {y.shape}')
    if len(x) < 2:
        raise ValueError('linear_cka needs at least 2 paired samples')
    x = x - x.mean(0, keepdims=True)
    y = y - y.mean(0, keepdims=True)
    cross = np.linalg.norm(y.T @ x, 'fro')**2
    norm = np.linalg.norm(x.T @ x, 'fro') * np.linalg.norm(y.T @ y, 'fro')
    if norm == 0:
        raise ValueError('linear_cka is undefined for constant features')
    return float(cross / norm)
