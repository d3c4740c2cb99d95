# Copyright (c) mmsocket contributors. All rights reserved.
from typing import List, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.evaluation import Accuracy

from mmsocket.registry import METRICS


@METRICS.register_module()
class MultiSourceAccuracy(BaseMetric):
    """Top-1 accuracy of the zeta-weighted ensemble and of each source.

    The ensemble accuracy is reported under the same key as mmpretrain's
    ``Accuracy`` (``accuracy/top1``) so source-only, SHOT and SOCKET runs
    compare directly; per-source accuracy is ``accuracy/source_<j>``.
    Computed with mmpretrain's ``Accuracy.calculate``.
    """

    default_prefix = 'accuracy'

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            result = dict(
                gt=sample['gt_label'].clone().cpu(),
                score=sample['pred_score'].clone().cpu())
            if 'source_scores' in sample:
                result['source_scores'] = sample['source_scores'].cpu()
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> dict:
        gt = torch.cat([r['gt'] for r in results])
        score = torch.stack([r['score'] for r in results])
        metrics = dict(
            top1=float(Accuracy.calculate(score, gt, topk=(1, ))[0][0]))
        if results and 'source_scores' in results[0]:
            src = torch.stack([r['source_scores'] for r in results])
            for j in range(src.shape[1]):
                metrics[f'source_{j}'] = float(
                    Accuracy.calculate(src[:, j], gt, topk=(1, ))[0][0])
        return metrics
