# Copyright (c) mmsocket contributors. All rights reserved.
"""The official SOCKET code's data folders and gen_txt.py "path label"
lists -> our format: domains from the folder names, pairs by path, the
lists' files and class order, clear errors, the source untouched."""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmsocket.dataset_converters import convert_socket_layout
from mmsocket.dataset_converters.common import ConversionError
from tests.fixtures import write_png
from tests.fixtures_official import tree_digest
from tools.dataset_converters.socket_layout import main as socket_layout_main

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TR = ('bathroom', 'classroom', 'kitchen')
TI = ('bedroom', 'library')


def write_socket_tree(root,
                      domains=('kv1', 'kv2'),
                      n=3,
                      rotated=False,
                      lists='absolute'):
    """data/SUN as the SOCKET README sets it up, with gen_txt.py lists
    written on "another machine" (absolute paths under /home/someone) or
    relative to its code folder (../data/SUN/...)."""
    rng = np.random.default_rng(0)
    folders = [(f'{d}com', TR, n) for d in domains] + [('TI', TI, 2)]
    for prefix, classes, k in folders:
        for kind in ('image', 'depth'):
            folder = f'{prefix}_{kind}'
            lines = []
            for label, cls in enumerate(classes):
                for i in range(k):
                    if kind == 'image':
                        img = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
                    else:
                        mm = rng.integers(600, 5000, (6, 8)).astype(np.uint16)
                        img = ((mm << 3) | (mm >> 13)).astype(np.uint16) \
                            if rotated else mm
                    write_png(osp.join(root, folder, cls, f'{i:04d}.png'), img)
                    path = (f'/home/someone/SOCKET/data/SUN/{folder}/{cls}/'
                            f'{i:04d}.png' if lists == 'absolute' else
                            f'../data/SUN/{folder}/{cls}/{i:04d}.png')
                    lines.append(f'{path} {label}')
            if lists:
                with open(osp.join(root, f'{folder}_list.txt'), 'w') as f:
                    f.write('\n'.join(lines) + '\n')
    return str(root)


def convert(src, out, **kwargs):
    kwargs.setdefault('progress', False)
    return convert_socket_layout(src, out, **kwargs)


def load(path):
    with open(path) as f:
        return json.load(f)


def test_imports_domains_lists_and_ti(tmp_path):
    src = write_socket_tree(str(tmp_path / 'SUN'))
    before = tree_digest(src)
    out = str(tmp_path / 'out')
    counts = convert(src, out)
    assert tree_digest(src) == before
    meta = load(osp.join(out, 'meta.json'))
    assert meta['domains'] == ['kv1', 'kv2']
    assert meta['tr_classes'] == list(TR) and meta['ti_classes'] == list(TI)
    assert counts['tr'] == {'kv1': 9, 'kv2': 9} and counts['ti_total'] == 4
    assert len(meta['lists']) == 6
    for d in ('kv1', 'kv2'):
        ann = load(osp.join(out, f'annotations/{d}_tr.json'))
        for rec in ann['data_list']:
            cls, name = rec['sample_id'].split('/')[1:]
            assert TR[rec['gt_label']] == cls
            want = cv2.imread(
                osp.join(src, f'{d}com_depth', cls, f'{name}.png'),
                cv2.IMREAD_UNCHANGED)
            got = cv2.imread(
                osp.join(out, rec['depth_path']), cv2.IMREAD_UNCHANGED)
            np.testing.assert_array_equal(got, want)


def test_relative_lists_select_files_and_give_the_class_order(tmp_path):
    src = write_socket_tree(str(tmp_path / 'SUN'), lists='relative')
    # A file in the folders but in neither list of its domain is not taken.
    for kind in ('image', 'depth'):
        path = osp.join(src, f'kv1com_{kind}_list.txt')
        lines = open(path).read().splitlines()
        open(path, 'w').write('\n'.join(lines[1:]) + '\n')
    counts = convert(src, str(tmp_path / 'out'))
    assert counts['tr'] == {'kv1': 8, 'kv2': 9}


def test_list_errors_name_the_list(tmp_path):
    src = write_socket_tree(str(tmp_path / 'SUN'))
    path = osp.join(src, 'kv2com_image_list.txt')
    lines = open(path).read().splitlines()
    lines[0] = lines[0].rsplit(' ', 1)[0] + ' 2'  # bathroom labelled 2
    open(path, 'w').write('\n'.join(lines) + '\n')
    with pytest.raises(ConversionError, match='kv2com_image_list.txt') as e:
        convert(src, str(tmp_path / 'out'))
    assert 'bathroom' in str(e.value)
    lines[0] = 'not-a-line'
    open(path, 'w').write('\n'.join(lines) + '\n')
    with pytest.raises(ConversionError, match=r'kv2com_image_list.txt:1'):
        convert(src, str(tmp_path / 'out'))
    assert not osp.exists(tmp_path / 'out')


def test_image_and_depth_lists_must_name_the_same_pairs(tmp_path):
    src = write_socket_tree(str(tmp_path / 'SUN'))
    path = osp.join(src, 'kv1com_depth_list.txt')
    lines = open(path).read().splitlines()
    open(path, 'w').write('\n'.join(lines[1:]) + '\n')
    with pytest.raises(ConversionError, match='do not list the same pairs'):
        convert(src, str(tmp_path / 'out'))


def test_bit_rotated_depth_is_flagged_and_decoded(tmp_path, capsys):
    src = write_socket_tree(str(tmp_path / 'SUN'), rotated=True, lists=None)
    convert(src, str(tmp_path / 'a'))
    assert '--depth-unit sunrgbd' in capsys.readouterr().out
    convert(src, str(tmp_path / 'b'), depth_unit='sunrgbd')
    rec = load(osp.join(tmp_path, 'b/annotations/kv1_tr.json'))['data_list'][0]
    depth = cv2.imread(
        osp.join(tmp_path, 'b', rec['depth_path']), cv2.IMREAD_UNCHANGED)
    assert 600 <= depth[depth > 0].min() and depth.max() < 5000


def test_the_code_example_layout_with_named_pairs(tmp_path):
    # data/example_dataset: red/ and blue/ (two colour renderings, the
    # second read as a one-channel target), TI_red/ and TI_blue/.
    root = tmp_path / 'example_dataset'
    rng = np.random.default_rng(1)
    for folder, classes in (('red', ('circle', 'square')),
                            ('blue', ('circle', 'square')),
                            ('TI_red', ('triangle', )), ('TI_blue',
                                                         ('triangle', ))):
        for label, cls in enumerate(classes):
            for i in range(2):
                write_png(
                    str(root / folder / cls / f'{i}.png'),
                    rng.integers(0, 256, (5, 5, 3), dtype=np.uint8))
    # The tool's main() in this process; its error exit below as a command.
    assert socket_layout_main([
        str(root), '--pair', 'red=red:blue', '--ti-pair', 'TI_red:TI_blue',
        '--target', 'nir', '--out',
        str(tmp_path / 'out')
    ]) == 0
    meta = load(osp.join(tmp_path, 'out/meta.json'))
    assert meta['tr_classes'] == ['circle', 'square']
    assert meta['modalities'] == ['rgb', 'nir']
    # Without --pair the README's names are looked for, and named.
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/dataset_converters/socket_layout.py'),
        str(root), '--out',
        str(tmp_path / 'out2')
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 1 and '--pair' in proc.stderr
    assert 'Traceback' not in proc.stderr
    assert sorted(os.listdir(tmp_path)) == ['example_dataset', 'out']
