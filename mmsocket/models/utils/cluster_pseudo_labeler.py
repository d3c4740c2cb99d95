# Copyright (c) mmsocket contributors. All rights reserved.
"""Clustering pseudo-labels of SHOT, DECISION and SOCKET in one class.

All three methods cluster augmented, L2-normalised features [f, 1] around
class centroids weighted by the current predictions, and differ only in the
number of refinement rounds, the distance, and the class-set filter
(docs/methods/socket.md#pseudo-label-variants). Storing per-source
centroids and features
and assigning labels per batch with the current zeta covers them all: with
one source and zeta = 1 the per-batch assignment equals SHOT's stored
labels.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from mmsocket.registry import MODELS


@MODELS.register_module()
class ClusterPseudoLabeler:
    """Nearest-centroid pseudo-labels.

    Args:
        rounds (int): 1 = soft (prediction-weighted) centroids only
            (SOCKET's code); 2 = one hard refinement (SHOT, DECISION).
        distance (str): Distance of the per-batch assignment:
            ``'euclidean'`` (DECISION, SOCKET) or ``'cosine'`` (SHOT).
        refine_distance (str, optional): Distance that labels the samples
            a refinement round averages; defaults to ``distance``. DECISION
            refines with ``'cosine'`` and assigns with ``'euclidean'``.
        labelset_threshold (int, optional): Keep only classes with more than
            this many members (SHOT uses 0 for closed-set); None keeps all
            classes (DECISION, SOCKET).
        eps (float): Guards empty clusters. Defaults to 1e-8 (SHOT).
    """

    def __init__(self,
                 rounds: int = 1,
                 distance: str = 'euclidean',
                 refine_distance: Optional[str] = None,
                 labelset_threshold: Optional[int] = None,
                 eps: float = 1e-8) -> None:
        if rounds < 1:
            raise ValueError(f'rounds must be >= 1, got {rounds}')
        refine_distance = refine_distance or distance
        for d in (distance, refine_distance):
            if d not in ('euclidean', 'cosine'):
                raise ValueError(f'unknown distance {d!r}')
        self.rounds = rounds
        self.distance = distance
        self.refine_distance = refine_distance
        self.labelset_threshold = labelset_threshold
        self.eps = eps

    @staticmethod
    def augment(feats: torch.Tensor) -> torch.Tensor:
        """[f, 1], L2-normalised per row."""
        ones = feats.new_ones(*feats.shape[:-1], 1)
        return F.normalize(torch.cat([feats, ones], dim=-1), dim=-1)

    def _labelset(self, labels: torch.Tensor, num_classes: int):
        if self.labelset_threshold is None:
            return torch.ones(
                num_classes, dtype=torch.bool, device=labels.device)
        counts = torch.bincount(labels, minlength=num_classes)
        return counts > self.labelset_threshold

    @staticmethod
    def _distances(feats: torch.Tensor, centroids: torch.Tensor,
                   distance: str) -> torch.Tensor:
        if distance == 'cosine':
            return 1 - feats @ F.normalize(centroids, dim=-1).t()
        return torch.cdist(feats, centroids)

    def _nearest(self, feats, centroids, labelset,
                 distance: str) -> torch.Tensor:
        dist = self._distances(feats, centroids, distance)
        dist = dist.masked_fill(~labelset, float('inf'))
        return dist.argmin(dim=1)

    @torch.no_grad()
    def fit(
        self, feats: torch.Tensor, probs: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Cluster every source's features of the whole target set.

        Args:
            feats (Tensor): (S, N, D) features of N target samples for each
                of S sources.
            probs (Tensor): (S, N, K) each source's own softmax outputs.

        Returns:
            tuple: centroids (S, K, D+1), augmented features (S, N, D+1)
            and the per-source class mask (S, K).
        """
        if feats.dim() != 3 or probs.dim() != 3 \
                or feats.shape[:2] != probs.shape[:2]:
            raise ValueError(f'feats (S,N,D) and probs (S,N,K) disagree: '
                             f'{tuple(feats.shape)} vs {tuple(probs.shape)}')
        feats = self.augment(feats.float())
        probs = probs.float()
        num_classes = probs.shape[-1]
        centroids, masks = [], []
        for f, p in zip(feats, probs):
            c = p.t() @ f / (self.eps + p.sum(0)[:, None])
            mask = self._labelset(p.argmax(1), num_classes)
            for _ in range(self.rounds - 1):
                labels = self._nearest(f, c, mask, self.refine_distance)
                onehot = F.one_hot(labels, num_classes).to(f.dtype)
                c = onehot.t() @ f / (self.eps + onehot.sum(0)[:, None])
                mask = self._labelset(labels, num_classes)
            centroids.append(c)
            masks.append(mask)
        return torch.stack(centroids), feats, torch.stack(masks)

    @torch.no_grad()
    def assign(self, feats: torch.Tensor, centroids: torch.Tensor,
               labelset: torch.Tensor, zeta: torch.Tensor) -> torch.Tensor:
        """Labels of a batch from zeta-combined features and centroids.

        Args:
            feats (Tensor): (S, B, D+1) stored augmented features of the
                batch's samples.
            centroids (Tensor): (S, K, D+1).
            labelset (Tensor): (S, K) bool.
            zeta (Tensor): (S, ) source weights (no gradient flows).

        Returns:
            Tensor: (B, ) labels.
        """
        zeta = zeta.detach().to(feats.dtype)
        f = torch.einsum('s,sbd->bd', zeta, feats)
        c = torch.einsum('s,skd->kd', zeta, centroids)
        return self._nearest(f, c, labelset.any(0), self.distance)
