# Copyright (c) mmsocket contributors. All rights reserved.
"""Export an adapted model (or a source model) for use without mmsocket.

Example::

    python tools/model_converters/export.py \\
        configs/socket/synthetic/kv1_to_kv2.py \\
        work_dirs/socket/synthetic/kv1_to_kv2/epoch_6.pth \\
        --out-dir work_dirs/export/kv1_to_kv2 --encode-test-set

Writes stock mmpretrain configs + checkpoints (``model.py``/``model.pth``,
or one ``source<j>`` pair per source), the zeta-ensemble as TorchScript
(``ensemble.pt``) and ONNX (``ensemble.onnx``, checked with ONNX Runtime
when installed), optionally the test set encoded as the exported pipeline
reads it, and ``export.json``. See docs/export.md.
"""
import argparse
import json
import sys

from mmsocket.apis import add_cfg_options
from mmsocket.apis.export import export_model


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'config',
        help='the config the model was trained '
        'with (SOCKET/SHOT/DECISION/TGKT, or a source)')
    parser.add_argument('checkpoint', help='its checkpoint (epoch_N.pth)')
    parser.add_argument(
        '--out-dir', required=True, help='a new (or empty) folder')
    parser.add_argument(
        '--encode-test-set',
        action='store_true',
        help='also write the config\'s test images as the exported '
        'pipeline reads them (depth -> 8 bits) into OUT_DIR/test_set')
    parser.add_argument(
        '--max-samples', type=int, help='encode at most this many images')
    parser.add_argument('--no-torchscript', action='store_true')
    parser.add_argument('--no-onnx', action='store_true')
    add_cfg_options(
        parser,
        'override settings of the config (e.g. the test set\'s data root)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    summary = export_model(
        args.config,
        args.checkpoint,
        args.out_dir,
        encode_test=args.encode_test_set,
        torchscript=not args.no_torchscript,
        onnx=not args.no_onnx,
        cfg_options=args.cfg_options,
        max_samples=args.max_samples)
    print(json.dumps(summary['files'], indent=1))
    print('checks:', json.dumps(summary['checks']))
    print(f'wrote {args.out_dir}/export.json')
    return 0


if __name__ == '__main__':
    sys.exit(main())
