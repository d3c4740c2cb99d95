# Copyright (c) mmsocket contributors. All rights reserved.
"""A user's own paired folders -> our format, tried as a user would: their
folder and class names, their class count and order, their depth units;
every bad input names the file and what to do; the source tree is never
touched; a killed conversion's leftovers are cleaned by the next one."""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmsocket.dataset_converters import convert_paired_folders
from mmsocket.dataset_converters.common import ConversionError
from mmsocket.dataset_converters.output import OWNER_FILE
from mmsocket.registry import DATASETS
from tests.fixtures import write_paired_folders
from tests.fixtures_official import tree_digest
from tools.dataset_converters.paired_folders import main as paired_folders_main

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TR = ('Living Room', 'kitchen', 'Bath-room', 'hall', 'Office', 'garage',
      'attic', 'porch')  # eight classes of a user's own naming
TI = ('cellar', 'stairs', 'laundry', 'gym', 'shop', 'bar', 'lobby', 'yard')


def convert(src, out, **kwargs):
    kwargs.setdefault('progress', False)
    return convert_paired_folders(src, out, **kwargs)


@pytest.fixture(scope='module')
def user_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp('user')
    tree = write_paired_folders(
        str(root / 'photos'), TR, TI, per_class=3, ti_per_class=2)
    return tree


@pytest.fixture(scope='module')
def converted(user_tree, tmp_path_factory):
    before = tree_digest(user_tree['root'])
    out = str(tmp_path_factory.mktemp('out') / 'my_rgbd')
    counts = convert(user_tree['root'], out)
    return dict(out=out, counts=counts, before=before, **user_tree)


def load(path):
    with open(path) as f:
        return json.load(f)


def test_writes_our_format_with_the_users_classes(converted):
    out = converted['out']
    meta = load(osp.join(out, 'meta.json'))
    assert meta['tr_classes'] == sorted(TR) and len(meta['tr_classes']) == 8
    assert meta['ti_classes'] == sorted(TI)
    assert meta['domains'] == ['default']
    assert meta['modalities'] == ['rgb', 'depth']
    assert meta['converter']['name'] == 'paired_folders'
    ann = load(osp.join(out, 'annotations/default_tr.json'))
    assert ann['metainfo']['classes'] == sorted(TR)
    assert len(ann['data_list']) == 8 * 3
    train = load(osp.join(out, 'annotations/default_tr_train.json'))
    val = load(osp.join(out, 'annotations/default_tr_val.json'))
    assert len(train['data_list']) + len(val['data_list']) == 24
    assert len(val['data_list']) == 8  # n_val(3) = 1 per class
    ti = load(osp.join(out, 'annotations/ti.json'))
    assert len(ti['data_list']) == 8 * 2
    # Pixels and labels survive: every record's images are its source's.
    for rec in ann['data_list']:
        cls = sorted(TR)[rec['gt_label']]
        name = rec['sample_id'].split('/')[-1]
        want = converted['pairs'][('tr', None, cls, name)]
        rgb = cv2.imread(osp.join(out, rec['rgb_path']))
        depth = cv2.imread(
            osp.join(out, rec['depth_path']), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(rgb, want['rgb'])
        np.testing.assert_array_equal(depth, want['depth'])
        assert depth.dtype == np.uint16


def test_depth_range_chosen_from_the_data_and_recorded(converted):
    meta = load(osp.join(converted['out'], 'meta.json'))
    # Depth 0.5-4.0 m: the 99.5th percentile rounded up to 0.5 m.
    assert meta['depth_range_m'] == [0.0, 4.0]
    assert meta['depth_range_from'].startswith('auto')
    assert meta['depth_unit_mm'] == 1
    assert 3.9 <= meta['counts']['depth']['p99_m'] <= 4.01


def test_source_tree_untouched_and_datasets_read_it(converted):
    assert tree_digest(converted['root']) == converted['before']
    ds = DATASETS.build(
        dict(
            type='MultiModalDataset',
            data_root=converted['out'],
            ann_file='annotations/default_tr.json',
            modality='depth',
            serialize_data=False,
            pipeline=[dict(type='LoadModality', depth_range=(0, 4))]))
    assert ds.classes == tuple(sorted(TR)) and len(ds) == 24
    assert ds[0]['img'].shape == (8, 10, 3)


def test_given_class_list_keeps_its_order_and_matches_spellings(
        user_tree, tmp_path):
    # The user's classifier knows the classes in its own order and
    # spelling.
    given = [
        'living_room', 'Kitchen', 'bathroom', 'HALL', 'office', 'garage',
        'attic', 'porch'
    ]
    out = str(tmp_path / 'out')
    convert(user_tree['root'], out, tr_classes=given)
    ann = load(osp.join(out, 'annotations/default_tr.json'))
    assert ann['metainfo']['classes'] == given
    for rec in ann['data_list']:
        folder = rec['sample_id'].split('/')[1]
        assert folder == given[rec['gt_label']]


def test_a_typo_in_a_class_name_names_the_folder_and_the_fixes(
        user_tree, tmp_path):
    given = [
        'living_room', 'kichen', 'bathroom', 'hall', 'office', 'garage',
        'attic', 'porch'
    ]
    with pytest.raises(ConversionError) as err:
        convert(user_tree['root'], str(tmp_path / 'out'), tr_classes=given)
    msg = str(err.value)
    assert "'kitchen'" in msg and 'class folder' in msg
    assert '--skip-unknown' in msg and '--class-alias' in msg
    assert not osp.exists(tmp_path / 'out')
    # The alias the message offers fixes it.
    convert(
        user_tree['root'],
        str(tmp_path / 'out'),
        tr_classes=given,
        class_aliases={'kitchen': 'kichen'})


def test_bad_pairs_name_the_file(tmp_path):
    tree = write_paired_folders(str(tmp_path / 'src'), ('a', 'b'), ('c', ))
    before = tree_digest(tree['root'])
    lone = osp.join(tree['root'], 'tr/depth/b/img_001.png')
    os.rename(lone, lone + '.moved')
    with pytest.raises(ConversionError) as err:
        convert(tree['root'], str(tmp_path / 'out'))
    assert osp.join(tree['root'], 'tr/rgb/b/img_001.jpg') in str(err.value)
    assert 'missing pair' in str(err.value)
    os.rename(lone + '.moved', lone)
    # Two files of one name in one modality: which one pairs is unclear.
    dup = osp.join(tree['root'], 'tr/rgb/a/img_000.png')
    cv2.imwrite(dup, np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ConversionError, match='same name'):
        convert(tree['root'], str(tmp_path / 'out'))
    os.remove(dup)
    assert tree_digest(tree['root']) == before
    assert not osp.exists(tmp_path / 'out')


def test_ti_classes_overlapping_the_task_are_refused(tmp_path):
    tree = write_paired_folders(str(tmp_path / 'src'), ('a', 'b'), ('b', ))
    with pytest.raises(ConversionError, match='both task-relevant'):
        convert(tree['root'], str(tmp_path / 'out'))


def test_missing_ti_set_says_what_to_do(tmp_path):
    tree = write_paired_folders(str(tmp_path / 'src'), ('a', 'b'))
    with pytest.raises(FileNotFoundError, match='--no-ti'):
        convert(tree['root'], str(tmp_path / 'out'))
    counts = convert(tree['root'], str(tmp_path / 'out'), no_ti=True)
    assert counts['ti_total'] == 0
    assert not osp.exists(tmp_path / 'out/annotations/ti.json')


@pytest.mark.parametrize(
    'dtype,unit,stored,mm',
    [
        ('uint16', 'auto', [[0, 1234]], [[0, 1234]]),  # millimetres
        ('uint16', '0.1mm', [[0, 12340]], [[0, 1234]]),
        ('float32', 'm', [[np.nan, 1.234]], [[0, 1234]]),  # NaN: no reading
        ('uint8', '40', [[0, 100]], [[0, 4000]]),  # 8-bit with its scale
        ('uint16', 'sunrgbd', [[0, (1234 << 3) & 0xFFFF]], [[0, 1234]]),
    ])
def test_depth_units(tmp_path, dtype, unit, stored, mm):
    arr = np.array(stored, dtype=dtype)
    tree = write_paired_folders(
        str(tmp_path / 'src'), ('a', ), ('b', ),
        per_class=1,
        ti_per_class=1,
        depth=lambda rng, label, k: arr,
        size=arr.shape)
    out = str(tmp_path / 'out')
    convert(tree['root'], out, depth_unit=unit, depth_range=(0, 5))
    rec = load(osp.join(out, 'annotations/default_tr.json'))['data_list'][0]
    depth = cv2.imread(osp.join(out, rec['depth_path']), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(depth, np.array(mm, np.uint16))
    assert load(osp.join(out, 'meta.json'))['depth_range_m'] == [0.0, 5.0]


@pytest.mark.parametrize('dtype,fix', [('uint8', '--depth-unit 39.2157'),
                                       ('float32', '--depth-unit m')])
def test_depth_of_unknown_unit_is_refused_before_writing(tmp_path, dtype, fix):
    arr = np.full((4, 5), 200, dtype=dtype)
    tree = write_paired_folders(
        str(tmp_path / 'src'), ('a', ), ('b', ),
        per_class=2,
        ti_per_class=1,
        depth=lambda rng, label, k: arr,
        size=arr.shape)
    with pytest.raises(ConversionError) as err:
        convert(tree['root'], str(tmp_path / 'out'))
    assert fix in str(err.value) and 'tr/depth/a/img_000' in str(err.value)
    assert os.listdir(tmp_path) == ['src']  # no staging folder, no output


def test_several_domains_and_a_nir_target_with_own_folder_names(tmp_path):
    tree = write_paired_folders(
        str(tmp_path / 'src'), ('a', 'b'), ('c', ),
        domains=('cam1', 'cam2'),
        target='nir',
        rgb_folder='colour',
        target_folder='infrared',
        rgb_ext='.png')
    out = str(tmp_path / 'out')
    counts = convert(
        tree['root'],
        out,
        target='nir',
        rgb_folder='colour',
        target_folder='infrared')
    meta = load(osp.join(out, 'meta.json'))
    assert meta['domains'] == ['cam1', 'cam2']
    assert meta['modalities'] == ['rgb', 'nir']
    assert 'depth_range_m' not in meta
    assert counts['tr'] == {'cam1': 6, 'cam2': 6}
    for d in ('cam1', 'cam2'):
        assert osp.isfile(osp.join(out, f'annotations/{d}_tr_train.json'))
    rec = load(osp.join(out, 'annotations/cam2_tr.json'))['data_list'][0]
    nir = cv2.imread(osp.join(out, rec['nir_path']), cv2.IMREAD_UNCHANGED)
    want = tree['pairs'][('tr', 'cam2', 'a', 'img_000')]['nir']
    np.testing.assert_array_equal(nir, want)


def test_output_inside_the_source_is_refused(user_tree):
    out = osp.join(user_tree['root'], 'converted')
    with pytest.raises(ValueError, match='inside the source tree'):
        convert(user_tree['root'], out)
    assert not osp.exists(out)


def _fake_leftover(parent, out_name, pid, kind='converting'):
    stage = parent / f'.{out_name}.{kind}-abc123'
    (stage / 'images').mkdir(parents=True)
    (stage / OWNER_FILE).write_text(
        json.dumps(
            dict(
                pid=pid,
                host=__import__('socket').gethostname(),
                started='yesterday',
                command='paired_folders.py ...')))
    return stage


def test_leftovers_of_a_killed_conversion_are_cleaned_and_said(
        user_tree, tmp_path, capsys):
    # A pid that no longer runs: a killed conversion's staging folder.
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    stage = _fake_leftover(tmp_path, 'out', proc.pid)
    convert(user_tree['root'], str(tmp_path / 'out'))
    assert not stage.exists()
    said = capsys.readouterr().out
    assert str(stage) in said and 'did not finish' in said
    assert sorted(os.listdir(tmp_path)) == ['out']


def test_a_running_conversion_to_the_same_output_is_refused(
        user_tree, tmp_path):
    live = subprocess.Popen(
        [sys.executable, '-c', 'import time; '
         'time.sleep(60)'])
    try:
        stage = _fake_leftover(tmp_path, 'out', live.pid)
        with pytest.raises(FileExistsError, match=f'pid {live.pid}'):
            convert(user_tree['root'], str(tmp_path / 'out'))
        assert stage.exists()
    finally:
        live.kill()
        live.wait()


def test_a_kill_between_the_two_renames_loses_nothing(user_tree, tmp_path,
                                                      capsys):
    out = tmp_path / 'out'
    convert(user_tree['root'], str(out))
    first = tree_digest(str(out))
    # Killed after the old output moved aside, before the new moved in.
    os.replace(out, tmp_path / '.out.old-xyz')
    convert(user_tree['root'], str(tmp_path / 'other'))  # another output
    assert (tmp_path / '.out.old-xyz').exists()  # not ours to touch
    with pytest.raises(FileExistsError):  # restored, so not empty
        convert(user_tree['root'], str(out))
    assert 'restored' in capsys.readouterr().out
    assert tree_digest(str(out)) == first


def test_cli_prints_progress_and_per_class_summary(user_tree, tmp_path,
                                                   capsys):
    classes = tmp_path / 'classes.txt'
    classes.write_text('# my classifier\n' + '\n'.join(sorted(TR)) + '\n')
    # The tool's main() in this process; its error exit below as a command.
    assert paired_folders_main([
        user_tree['root'], '--out',
        str(tmp_path / 'out'), '--classes-file',
        str(classes), '--depth-range', '0', '6'
    ]) == 0
    out = capsys.readouterr().out
    assert '40/40' in out  # mmengine's progress bar (24 TR + 16 TI)
    assert 'Living Room 3' in out and 'cellar 2' in out
    assert 'depth_range_m [0.0, 6.0]' in out
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/dataset_converters/paired_folders.py'),
        user_tree['root'], '--out',
        str(tmp_path / 'out')
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 1 and '--overwrite' in proc.stderr
    assert 'Traceback' not in proc.stderr
