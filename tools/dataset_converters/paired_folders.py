# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert your own paired RGB / depth (or NIR) folders to mmsocket's format.

Example::

    python tools/dataset_converters/paired_folders.py ~/my_rgbd \\
        --out data/my_rgbd
    python tools/dataset_converters/paired_folders.py --tr-dir ~/shots \\
        --ti-dir ~/other_scenes --classes-file classes.txt --depth-unit m \\
        --out data/my_rgbd

See docs/dataset_prepare.md#your-own-paired-folders.
"""
import argparse
import sys

from mmsocket.dataset_converters.cli import (add_target_options,
                                             converter_parser, run_converter,
                                             target_options)
from mmsocket.dataset_converters.paired_folders import (convert_paired_folders,
                                                        read_class_list)

LAYOUT = """layout of SRC (pairs match by path, up to the extension):
  SRC/tr/rgb/<class>/<name>.jpg       task-relevant pairs: what your RGB model
  SRC/tr/depth/<class>/<name>.png     knows, and its unlabeled depth twin
  SRC/ti/rgb/<class>/<name>.jpg       task-irrelevant pairs: other classes
  SRC/ti/depth/<class>/<name>.png
several domains (e.g. sensors): SRC/tr/<domain>/rgb/<class>/...; TI pooled
(SRC/ti/rgb/...) or per domain. Written: DATA_ROOT/images/, annotations/
(<domain>_tr.json, _tr_train.json, _tr_val.json, ti.json), meta.json."""


def parse_args(argv=None) -> argparse.Namespace:
    parser = converter_parser(
        'Your paired RGB / depth (or NIR) folders -> mmsocket format.',
        'the folder holding tr/ and ti/ (or give --tr-dir and --ti-dir)',
        'data/own',
        'Living Room=living_room',
        src_optional=True,
        epilog=LAYOUT)
    parser.add_argument('--tr-dir', help='the task-relevant set (SRC/tr)')
    parser.add_argument('--ti-dir', help='the task-irrelevant set (SRC/ti)')
    parser.add_argument(
        '--no-ti',
        action='store_true',
        help='no task-irrelevant pairs: convert the TR set only (SHOT and '
        'the unadapted model; SOCKET and TGMB need TI pairs)')
    parser.add_argument(
        '--rgb-folder', default='rgb', help='name of the RGB folders')
    parser.add_argument(
        '--target-folder',
        help='name of the target folders (default: the --target name)')
    parser.add_argument(
        '--domain',
        default='default',
        help='name of the domain of a one-domain layout (annotation files '
        '<domain>_tr*.json); default: default')
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        '--classes',
        nargs='+',
        help='the task-relevant classes in label order (e.g. your '
        'classifier\'s); default: the class folders, sorted')
    group.add_argument('--classes-file', help='the same, one class a line')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--ti-classes', nargs='+', help='the TI classes')
    group.add_argument('--ti-classes-file', help='the same, one a line')
    add_target_options(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        classes = read_class_list(args.classes_file) \
            if args.classes_file else args.classes
        ti_classes = read_class_list(args.ti_classes_file) \
            if args.ti_classes_file else args.ti_classes
    except (OSError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    return run_converter(
        convert_paired_folders,
        args,
        tr_dir=args.tr_dir,
        ti_dir=args.ti_dir,
        no_ti=args.no_ti,
        rgb_folder=args.rgb_folder,
        target_folder=args.target_folder,
        domain=args.domain,
        tr_classes=classes,
        ti_classes=ti_classes,
        **target_options(args))


if __name__ == '__main__':
    sys.exit(main())
