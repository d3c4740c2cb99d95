# Copyright (c) mmsocket contributors. All rights reserved.
"""Adapt your RGB classifier to your depth (or NIR) images, evaluate, export.

The second of three commands (docs/own_data.md)::

    python tools/dataset_converters/paired_folders.py my_photos \\
        --out data/my_rgbd
    python tools/adapt.py data/my_rgbd \\
        --source work_dirs/my_resnet18/epoch_30.pth \\
        --method shot socket --work-dir work_dirs/my_adapt
    # adapt.py exports; or again: tools/model_converters/export.py

Evaluates the unadapted source model(s) on the target set, trains each
method with its paper defaults (configs/<method>/own/rgb_to_depth.py), tests
the final model, prints the table and exports each adapted model (stock
mmpretrain config + checkpoint, TorchScript, ONNX) into
WORK_DIR/<method>_seed<s>/export. Each run's config is written to
WORK_DIR/<run>/config.py (rerun it with tools/train.py). The logic is
mmsocket/apis/adapt.py.
"""
import argparse

from mmsocket.apis import add_cfg_options
from mmsocket.apis.adapt import METHODS, Adapt, AdaptError


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'data_root', help='the converted data (the converter\'s --out)')
    parser.add_argument(
        '--source',
        nargs='+',
        required=True,
        help='source checkpoint(s): a stock mmpretrain/mmengine checkpoint, '
        'our source.pth, or a torchvision ResNet converted with '
        'tools/model_converters/torchvision_resnet.py; several for '
        'multi-source SOCKET / DECISION / TGKT')
    parser.add_argument(
        '--source-config',
        nargs='+',
        help='the config each source was trained with (one for all, or one '
        'per source); default: the one *.py the training Runner wrote next '
        'to the checkpoint')
    parser.add_argument(
        '--method',
        nargs='+',
        default=['socket'],
        choices=list(METHODS),
        help='what to run (default: socket); tgkt runs its TGMB stage first')
    parser.add_argument(
        '--work-dir', required=True, help='where every run writes')
    parser.add_argument(
        '--target',
        help='target modality (depth or nir); default: the data\'s')
    parser.add_argument(
        '--domain', help='target domain; default: the data\'s only one')
    parser.add_argument(
        '--epochs', type=int, help='training epochs (default: the paper\'s)')
    parser.add_argument('--batch-size', type=int, help='training batch size')
    parser.add_argument(
        '--image-size',
        type=int,
        nargs=2,
        metavar=('RESIZE', 'CROP'),
        help='resize the target images to RESIZE x RESIZE, then crop CROP '
        '(default: the paper\'s 256 224); use the size your source model '
        'was trained at')
    parser.add_argument(
        '--seed',
        type=int,
        nargs='+',
        default=[0],
        help='adaptation seed(s); each method runs once per seed')
    parser.add_argument(
        '--no-export', action='store_true', help='do not export the models')
    parser.add_argument(
        '--verbose', action='store_true', help='full training logs')
    add_cfg_options(parser,
                    'more overrides of every run\'s config, merged last')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmsocket.apis import ConfigSettingsError, InputError
    from mmsocket.apis.source_config import SourceConfigError
    try:
        job = Adapt(
            args.data_root,
            args.source,
            args.method,
            args.work_dir,
            source_configs=args.source_config,
            target=args.target,
            domain=args.domain,
            epochs=args.epochs,
            batch_size=args.batch_size,
            image_size=args.image_size,
            seeds=args.seed,
            cfg_options=args.cfg_options,
            export=not args.no_export,
            verbose=args.verbose)
        return job.run()
    except (AdaptError, SourceConfigError, ConfigSettingsError,
            InputError) as e:
        raise SystemExit(f'error: {e}') from None


if __name__ == '__main__':
    main()
