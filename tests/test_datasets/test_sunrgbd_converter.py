# Copyright (c) mmsocket contributors. All rights reserved.
"""SUN RGB-D converter on a tiny tree in the official layout."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from mmsocket.apis import resolve_config
from mmsocket.dataset_converters import (SUNRGBD_TI_CLASSES,
                                         SUNRGBD_TR_CLASSES, ConversionError,
                                         class_key, convert_sunrgbd,
                                         decode_sunrgbd_depth)
from mmsocket.datasets.transforms import LoadModality
from mmsocket.registry import DATASETS
from tests.fixtures_official import (encode_sunrgbd_depth, tree_digest,
                                     write_sunrgbd_sample, write_sunrgbd_tree)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TI_FIXTURE = ('bedroom', 'home', 'library', 'study')


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('sun')
    tree = write_sunrgbd_tree(str(tmp / 'src'), ti_classes=TI_FIXTURE)
    before = tree_digest(str(tmp / 'src'))
    out = str(tmp / 'out' / 'sunrgbd')
    counts = convert_sunrgbd(tree['root'], out)
    return dict(tree=tree, out=out, counts=counts, before=before, tmp=tmp)


def _load(path):
    with open(path) as f:
        return json.load(f)


def test_decode_hand_values():
    # 1234 mm rotated left by 3 bits is 9872; 9000 mm is 6465 (the top bit
    # of 9000 wraps around to bit 0).
    stored = np.array([9872, 6465, 0, 8], np.uint16)
    np.testing.assert_array_equal(
        decode_sunrgbd_depth(stored), [1234, 9000, 0, 1])
    np.testing.assert_array_equal(
        encode_sunrgbd_depth(np.array([1234, 9000])), [9872, 6465])
    mm = np.arange(0, 65536, 7, dtype=np.uint16)
    np.testing.assert_array_equal(
        decode_sunrgbd_depth(encode_sunrgbd_depth(mm)), mm)


def test_class_lists_and_spellings():
    assert len(SUNRGBD_TR_CLASSES) == 17 and len(SUNRGBD_TI_CLASSES) == 28
    assert list(SUNRGBD_TR_CLASSES) == sorted(SUNRGBD_TR_CLASSES)
    assert not set(SUNRGBD_TR_CLASSES) & set(SUNRGBD_TI_CLASSES)
    assert 'idk' in SUNRGBD_TR_CLASSES
    assert {'home', 'study'} <= set(SUNRGBD_TI_CLASSES)
    keys = [class_key(c) for c in SUNRGBD_TR_CLASSES + SUNRGBD_TI_CLASSES]
    assert len(set(keys)) == 45
    assert class_key('computer room') == class_key('computer_room')
    assert class_key('12. Livingroom') == class_key('living_room')
    assert class_key('07_Computerroom') == class_key('computer_room')


def test_counts_classes_and_meta(converted):
    out, counts = converted['out'], converted['counts']
    assert counts['tr'] == {'kv1': 34, 'kv2': 17, 'realsense': 17, 'xtion': 17}
    assert counts['tr_val']['kv1'] == 17  # one of the two per class
    assert counts['tr_train']['kv1'] == 17
    assert counts['tr_val']['kv2'] == 0  # one sample per class: no val
    assert counts['ti'] == {'kv1': 4, 'kv2': 4, 'realsense': 4, 'xtion': 4}
    assert counts['ti_total'] == 16
    assert counts['skipped_unknown_class'] == {}
    assert counts['missing_tr_classes'] == {}
    assert counts['samples_per_subset'][
        'xtion/sun3ddata'] == 11  # 21 round-robin
    meta = _load(osp.join(out, 'meta.json'))
    assert meta['tr_classes'] == list(SUNRGBD_TR_CLASSES)
    assert meta['ti_classes'] == list(SUNRGBD_TI_CLASSES)
    assert meta['modalities'] == ['rgb', 'depth']
    assert meta['depth_unit_mm'] == 1
    tr = _load(osp.join(out, 'annotations', 'kv2_tr.json'))
    assert tr['metainfo']['classes'] == list(SUNRGBD_TR_CLASSES)
    ti = _load(osp.join(out, 'annotations', 'ti.json'))
    assert ti['metainfo']['classes'] == list(SUNRGBD_TI_CLASSES)
    labels = {r['source']: r['gt_label'] for r in ti['data_list']}
    for s in converted['tree']['samples']:
        if s['cls'] in TI_FIXTURE:
            assert labels[s['rel']] == SUNRGBD_TI_CLASSES.index(s['cls'])
    # train/val partition the TR set
    train = _load(osp.join(out, 'annotations', 'kv1_tr_train.json'))
    val = _load(osp.join(out, 'annotations', 'kv1_tr_val.json'))
    ids = [r['sample_id'] for r in train['data_list'] + val['data_list']]
    assert sorted(ids) == sorted(r['sample_id'] for r in _load(
        osp.join(out, 'annotations', 'kv1_tr.json'))['data_list'])
    # no staging directory is left behind
    assert os.listdir(osp.dirname(out)) == ['sunrgbd']


def test_pairs_and_decoded_depth(converted):
    out = converted['out']
    by_rel = {s['rel']: s for s in converted['tree']['samples']}
    recs = []
    for d in ('kv1', 'kv2', 'realsense', 'xtion'):
        recs += _load(osp.join(out, 'annotations',
                               f'{d}_tr.json'))['data_list']
    recs += _load(osp.join(out, 'annotations', 'ti.json'))['data_list']
    assert len(recs) == 85 + 16
    for r in recs:
        s = by_rel[r['source']]
        assert r['sample_id'].split('/')[:2] == [s['domain'], s['cls']]
        rgb = cv2.imread(osp.join(out, r['rgb_path']), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(rgb, cv2.imread(s['rgb_file']))
        depth = cv2.imread(
            osp.join(out, r['depth_path']), cv2.IMREAD_UNCHANGED)
        assert depth.dtype == np.uint16
        # depth_bfx (hole-filled) is read, decoded to millimetres
        np.testing.assert_array_equal(depth, s['depth_mm']['depth_bfx'])
        assert depth[0, 0] == 1234


def test_loads_through_config_pipelines(converted):
    out = converted['out']
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/_base_/datasets/sunrgbd_rgb2depth.py'))
    assert cfg.depth_range == (0.0, 8.0)
    cfg.merge_from_dict(dict(data_root=out, domain='xtion'))
    cfg = resolve_config(cfg)
    train = cfg.train_dataloader.dataset
    assert train.streams.target.ann_file == 'annotations/xtion_tr.json'
    ds = DATASETS.build(train)
    assert len(ds) == 17
    item = ds[0]
    assert item['target']['inputs'].shape == (3, 224, 224)
    assert item['ti']['inputs'].shape == (3, 224, 224)
    assert 'gt_label' not in item['target']['data_samples']
    vds = DATASETS.build(cfg.val_dataloader.dataset)
    assert vds.classes == SUNRGBD_TR_CLASSES
    assert vds[0]['data_samples'].gt_label.item() in range(17)
    # the depth pipeline's first step maps 1234 mm to round(1.234/8*255)
    loader = LoadModality(depth_range=cfg.depth_range)
    res = loader(
        dict(img_path=vds.get_data_info(0)['img_path'], modality='depth'))
    assert res['img'][0, 0].tolist() == [39, 39, 39]

    src_cfg = Config.fromfile(
        osp.join(REPO, 'configs/_base_/datasets/sunrgbd_source.py'))
    src_cfg.data_root = out
    src_cfg = resolve_config(src_cfg)
    for key in ('train_dataloader', 'val_dataloader'):
        sds = DATASETS.build(src_cfg[key].dataset)
        assert sds[0]['inputs'].shape == (3, 224, 224)
    assert len(DATASETS.build(src_cfg.val_dataloader.dataset)) == 17


def test_source_untouched_and_cli_overwrite(converted, capsys):
    from tools.dataset_converters.sunrgbd import main
    tree, tmp = converted['tree'], converted['tmp']
    assert tree_digest(str(tmp / 'src')) == converted['before']
    out = str(tmp / 'cli')
    assert main([tree['root'], '--out', out]) == 0
    assert 'TI total: 16' in capsys.readouterr().out
    # non-empty output: refused without --overwrite, replaced with it
    assert main([tree['root'], '--out', out]) == 1
    assert 'not empty' in capsys.readouterr().err
    assert main([tree['root'], '--out', out, '--overwrite']) == 0
    assert tree_digest(str(tmp / 'src')) == converted['before']
    # never into the source tree, never over a foreign directory
    with pytest.raises(ValueError, match='inside the source tree'):
        convert_sunrgbd(tree['root'], osp.join(tree['root'], 'kv1', 'out'))
    foreign = tmp / 'foreign'
    foreign.mkdir()
    (foreign / 'notes.txt').write_text('mine')
    with pytest.raises(FileExistsError, match='not the output'):
        convert_sunrgbd(tree['root'], str(foreign), overwrite=True)
    assert (foreign / 'notes.txt').read_text() == 'mine'
    assert tree_digest(str(tmp / 'src')) == converted['before']


@pytest.fixture
def small_tree(tmp_path):
    """Two TR and one TI class (a cheap tree to break)."""
    tree = write_sunrgbd_tree(
        str(tmp_path / 'src'),
        tr_per_domain={d: 1
                       for d in ('kv1', 'kv2', 'realsense', 'xtion')},
        tr_classes=('kitchen', 'office'),
        ti_classes=('bedroom', ))
    return tree


def _convert_small(tree, out, **kw):
    return convert_sunrgbd(
        tree['root'],
        out,
        tr_classes=('kitchen', 'office'),
        ti_classes=('bedroom', ),
        **kw)


def _sample_dir(tree, cls, domain='kv2'):
    s = next(s for s in tree['samples']
             if s['cls'] == cls and s['domain'] == domain)
    return osp.join(tree['root'], s['rel'])


def test_corrupt_image_names_file(small_tree, tmp_path):
    sdir = _sample_dir(small_tree, 'office')
    jpg = osp.join(sdir, 'image', os.listdir(osp.join(sdir, 'image'))[0])
    with open(jpg, 'wb') as f:
        f.write(b'not a jpeg at all')
    out = str(tmp_path / 'out')
    with pytest.raises(ConversionError, match='cannot decode') as e:
        _convert_small(small_tree, out)
    assert jpg in str(e.value)
    assert not osp.exists(out)  # nothing half-written
    assert [p for p in os.listdir(tmp_path) if 'converting' in p] == []


def test_missing_pair_names_folder(small_tree, tmp_path):
    sdir = _sample_dir(small_tree, 'kitchen', 'xtion')
    bfx = osp.join(sdir, 'depth_bfx')
    os.remove(osp.join(bfx, os.listdir(bfx)[0]))
    with pytest.raises(ConversionError, match='depth image') as e:
        _convert_small(small_tree, str(tmp_path / 'out'))
    assert bfx in str(e.value)
    # the raw depth is still there and can be chosen instead
    counts = _convert_small(
        small_tree, str(tmp_path / 'raw'), depth_dir='depth')
    assert counts['tr']['xtion'] == 2


def test_unknown_class_errors_or_is_counted(small_tree, tmp_path):
    sdir = _sample_dir(small_tree, 'office', 'realsense')
    with open(osp.join(sdir, 'scene.txt'), 'w') as f:
        f.write('spaceship\n')
    with pytest.raises(ConversionError, match="'spaceship'") as e:
        _convert_small(small_tree, str(tmp_path / 'out'))
    assert osp.join(sdir, 'scene.txt') in str(e.value)
    counts = _convert_small(
        small_tree, str(tmp_path / 'out'), on_unknown='skip')
    assert counts['skipped_unknown_class'] == {'spaceship': 1}
    assert counts['tr']['realsense'] == 1
    assert counts['missing_tr_classes'] == {'realsense': ['office']}
    # a spelling alias maps it instead
    counts = _convert_small(
        small_tree,
        str(tmp_path / 'alias'),
        class_aliases={'spaceship': 'office'})
    assert counts['tr']['realsense'] == 2


def test_empty_ti_set(tmp_path):
    tree = write_sunrgbd_tree(
        str(tmp_path / 'src'),
        tr_per_domain={d: 1
                       for d in ('kv1', 'kv2', 'realsense', 'xtion')},
        tr_classes=('kitchen', ),
        ti_classes=())
    with pytest.raises(ConversionError, match='task-irrelevant set is empty'):
        convert_sunrgbd(
            tree['root'],
            str(tmp_path / 'out'),
            tr_classes=('kitchen', ),
            ti_classes=('bedroom', ))
    assert not osp.exists(tmp_path / 'out')


def test_not_a_sunrgbd_tree(tmp_path):
    write_sunrgbd_sample(str(tmp_path / 'x' / 'sample'), 'office', 0)
    with pytest.raises(FileNotFoundError, match='not the official SUNRGBD'):
        convert_sunrgbd(str(tmp_path / 'x'), str(tmp_path / 'out'))
