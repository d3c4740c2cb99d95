# Copyright (c) mmsocket contributors. All rights reserved.
"""Score image-blind depth predictors with a config's depth metric.

A depth network's REL and delta1 only mean something beside what a
predictor that never looks at the image achieves on the same test split:

* ``constant``: every pixel = the median valid training depth;
* ``mean map``: every image = the per-pixel mean of the training depth maps
  (the average room layout).

    python tools/analysis/depth_baselines.py \\
        configs/dfdd/synthetic/teacher_r18w16_real.py

Both predictors are fitted on the config's train set (through its test
pipeline, so crops match) and scored with its test evaluator on its test set.
"""
import argparse
import os.path as osp
import sys

import torch
from mmengine.config import Config

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from mmsocket.registry import DATASETS, METRICS  # noqa: E402
from mmsocket.utils import register_all_modules  # noqa: E402


def depth_maps(dataset_cfg: dict, pipeline: list):
    cfg = dict(dataset_cfg, pipeline=pipeline)
    dataset = DATASETS.build(cfg)
    for i in range(len(dataset)):
        yield dataset[i]['data_samples'].gt_depth.float()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a depth config (train + test sets)')
    args = parser.parse_args(argv)
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(args.config)
    test_pipeline = cfg.test_dataloader.dataset.pipeline

    train = torch.stack(
        list(depth_maps(cfg.train_dataloader.dataset, test_pipeline)))
    valid = train > 0
    median = train[valid].median()
    mean_map = (train * valid).sum(0) / valid.sum(0).clamp(min=1)
    mean_map[valid.sum(0) == 0] = median

    scores = {}
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

    print(f'{len(train)} training maps; median valid depth '
          f'{median:.3f} m\n')
    print('| predictor | REL | δ1 | RMSE | log10 |\n|---|---|---|---|---|')
    for name, s in scores.items():
        print(f'| {name} | {s["abs_rel"]:.3f} | {s["delta1"]:.3f} | '
              f'{s["rmse"]:.3f} | {s["log10"]:.3f} |')
    return scores


if __name__ == '__main__':
    main()
