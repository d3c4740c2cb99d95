# Copyright (c) mmsocket contributors. All rights reserved.
"""A torchvision ResNet state dict -> an mmpretrain checkpoint with a class
list, for a source model of ResNet + GlobalAveragePooling + LinearClsHead.

Example::

    python tools/model_converters/torchvision_resnet.py resnet50.pth \\
        resnet50_mmpretrain.pth --classes-file classes.txt

(A torchvision state dict also loads as a source as it is; this adds the
class names the transfer checks the target set against.)
"""
import argparse
import sys

from mmsocket.apis.export import convert_torchvision_resnet, read_class_list


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('in_file', help='torch.save(net.state_dict(), ...)')
    parser.add_argument('out_file', help='a new file')
    parser.add_argument(
        '--classes', nargs='+', help='class names, in '
        'output order')
    parser.add_argument('--classes-file', help='one class name per line')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    classes = read_class_list(args.classes, args.classes_file)
    num_classes, in_channels = convert_torchvision_resnet(
        args.in_file, args.out_file, classes)
    print(f'wrote {args.out_file}; its source model config: '
          "neck=dict(type='GlobalAveragePooling'), "
          f"head=dict(type='LinearClsHead', num_classes={num_classes}, "
          f'in_channels={in_channels})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
