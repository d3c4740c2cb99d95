# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official NYU-Depth-v2 labeled .mat to the depth format.

Example (the 654-image official test split)::

    pip install h5py scipy   # scipy only to read splits.mat
    python tools/dataset_converters/nyu_labeled_mat.py \\
        nyu_depth_v2_labeled.mat data/nyu_labeled --splits splits.mat

``--test-indices`` / ``--train-indices`` (text, one 1-based index per line)
replace ``splits.mat`` where SciPy is not available.
"""
import argparse

from mmsocket.dataset_converters.nyu_labeled import (convert_nyu_labeled_mat,
                                                     read_split_indices)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mat', help='nyu_depth_v2_labeled.mat')
    parser.add_argument('out', help='output directory')
    parser.add_argument('--splits', help='splits.mat (needs SciPy)')
    parser.add_argument('--test-indices', help='text file of test indices')
    parser.add_argument('--train-indices', help='text file of train indices')
    parser.add_argument(
        '--no-labels', action='store_true', help='skip semantic/instance')
    args = parser.parse_args(argv)
    splits = {}
    if args.splits:
        splits.update(read_split_indices(args.splits))
    for name, path in (('test', args.test_indices), ('train',
                                                     args.train_indices)):
        if path:
            splits[name] = read_split_indices(path)['indices']
    if not splits:
        parser.error('give --splits or --test-indices/--train-indices')
    counts = convert_nyu_labeled_mat(args.mat, args.out, splits,
                                     not args.no_labels)
    for name, n in counts.items():
        print(f'{name}: {n} samples -> {args.out}/annotations/{name}.json')


if __name__ == '__main__':
    main()
