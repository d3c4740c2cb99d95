# Copyright (c) mmsocket contributors. All rights reserved.
"""Image-blind depth predictors, scored with a config's depth metric.

A depth network's REL and delta1 only mean something beside what a
predictor that never looks at the image achieves on the same test split:

* ``constant``: every pixel = the median valid training depth;
* ``mean map``: every image = the per-pixel mean of the training depth maps
  (the average room layout).

Both are fitted on the config's train set (through its test pipeline, so
crops match) and scored with its test evaluator on its test set.
"""
from typing import Dict, Iterator, List, Optional

import torch

from ..registry import DATASETS, METRICS
from ..utils import register_all_modules
from .experiment import load_config
from .table_format import markdown_table


def depth_maps(dataset_cfg: dict, pipeline: list) -> Iterator[torch.Tensor]:
    """The ground-truth depth maps of a dataset, through ``pipeline``."""
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=pipeline))
    for i in range(len(dataset)):
        yield dataset[i]['data_samples'].gt_depth.float()


def depth_baselines(config: str, cfg_options: Optional[dict] = None) -> dict:
    """Fit both predictors; return ``scores`` (name -> metrics), the number
    of training maps and their median valid depth. ``cfg_options`` are
    merged into the config first (e.g. ``{'data_root': ...}``)."""
    register_all_modules(init_default_scope=True)
    cfg = load_config(config, cfg_options)
    test_pipeline = cfg.test_dataloader.dataset.pipeline
    train = torch.stack(
        list(depth_maps(cfg.train_dataloader.dataset, test_pipeline)))
    valid = train > 0
    median = train[valid].median()
    mean_map = (train * valid).sum(0) / valid.sum(0).clamp(min=1)
    mean_map[valid.sum(0) == 0] = median

    scores: Dict[str, dict] = {}
    for name, predict in (('constant (train median)',
                           lambda gt: torch.full_like(gt, median)),
                          ('mean map (train average)', lambda gt: mean_map)):
        metric = METRICS.build(cfg.test_evaluator)
        samples = [
            dict(pred_depth=predict(gt), gt_depth=gt)
            for gt in depth_maps(cfg.test_dataloader.dataset, test_pipeline)
        ]
        metric.process(None, samples)
        scores[name] = metric.compute_metrics(metric.results)
    return dict(scores=scores, num_train=len(train), median=float(median))


def format_depth_baselines(result: dict) -> List[str]:
    """The scores as markdown, after a line on the training maps."""
    rows = [[
        name, *(f'{s[k]:.3f}' for k in ('abs_rel', 'delta1', 'rmse', 'log10'))
    ] for name, s in result['scores'].items()]
    return [
        f'{result["num_train"]} training maps; median valid depth '
        f'{result["median"]:.3f} m\n'
    ] + markdown_table(['predictor', 'REL', 'δ1', 'RMSE', 'log10'], rows)
