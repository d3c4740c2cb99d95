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

from mmsocket.apis import (add_cfg_options, depth_baselines,
                           format_depth_baselines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a depth config (train + test sets)')
    add_cfg_options(
        parser,
        'override settings of the config (data_root moves every dataset)')
    args = parser.parse_args(argv)
    result = depth_baselines(args.config, args.cfg_options)
    print('\n'.join(format_depth_baselines(result)))
    return result['scores']


if __name__ == '__main__':
    main()
