# Copyright (c) mmsocket contributors. All rights reserved.
"""Strip a checkpoint to its weights and plain meta (mmpretrain's
``publish_model.py`` for torch >= 2.6).

Example::

    python tools/model_converters/strip_checkpoint.py \\
        work_dirs/my_run/epoch_20.pth my_model.pth

The input is read with mmsocket's weights-only loader: a file that carries
code is refused. The output loads with ``torch.load(path,
weights_only=True)`` in any process.
"""
import argparse
import sys

from mmsocket.apis.export import strip_checkpoint


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('in_file')
    parser.add_argument('out_file', help='a new file')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    dropped = strip_checkpoint(args.in_file, args.out_file)
    print(f'wrote {args.out_file}; left out: {", ".join(dropped) or "-"}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
