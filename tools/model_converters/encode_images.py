# Copyright (c) mmsocket contributors. All rights reserved.
"""Encode target images (depth, NIR) as an exported model reads them.

Examples::

    # the config's test set, in mmpretrain's folder layout
    python tools/model_converters/encode_images.py CONFIG --out-dir DIR
    # single files, as the config's test pipeline decodes them
    python tools/model_converters/encode_images.py CONFIG --out-dir DIR \\
        --images scan1_depth.png scan2_depth.png

Depth is clipped to the config's range and scaled to 8 bits, missing
readings are 0, the map is replicated to 3 channels: what ``LoadModality``
does and stock mmpretrain cannot (docs/export.md).
"""
import argparse
import os
import os.path as osp
import sys

import cv2

from mmsocket.apis import add_cfg_options, load_config
from mmsocket.apis.export import encode_image, encode_test_set
from mmsocket.apis.export.target_images import loader_settings


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='the config of the adapted model')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument(
        '--images',
        nargs='+',
        help='encode these files '
        'instead of the config\'s test set')
    parser.add_argument('--max-samples', type=int)
    add_cfg_options(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    if not args.images:
        written = encode_test_set(cfg, args.out_dir, args.max_samples)
        print(f'wrote {len(written)} images to {args.out_dir}')
        return 0
    settings = loader_settings(cfg)
    os.makedirs(args.out_dir, exist_ok=True)
    for path in args.images:
        out = osp.join(args.out_dir,
                       osp.splitext(osp.basename(path))[0] + '.png')
        if osp.exists(out):
            raise FileExistsError(f'{out} exists (nothing overwritten)')
        if not cv2.imwrite(out, encode_image(path, **settings)):
            raise OSError(f'could not write {out}')
        print(out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
