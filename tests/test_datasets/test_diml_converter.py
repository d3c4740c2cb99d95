# Copyright (c) mmsocket contributors. All rights reserved.
"""DIML RGB+D sample-set converter on a tiny tree in the official layout."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from mmsocket.apis import resolve_config
from mmsocket.dataset_converters import ConversionError, convert_sunrgbd
from mmsocket.dataset_converters.diml import (DIML_TI_CLASSES, DIML_TR_CLASSES,
                                              convert_diml)
from mmsocket.datasets.transforms import LoadModality
from mmsocket.registry import DATASETS
from tests.fixtures_official import (tree_digest, write_diml_tree,
                                     write_sunrgbd_tree)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(REPO, 'configs/_base_/datasets')


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('diml')
    tree = write_diml_tree(str(tmp / 'src'))
    before = tree_digest(str(tmp / 'src'))
    out = str(tmp / 'diml')
    counts = convert_diml(str(tmp / 'src'), out)
    return dict(tree=tree, out=out, counts=counts, before=before, tmp=tmp)


def _load(path):
    with open(path) as f:
        return json.load(f)


def test_counts_classes_and_splits(converted, tmp_path):
    counts, out = converted['counts'], converted['out']
    assert len(DIML_TR_CLASSES) == 6 and len(DIML_TI_CLASSES) == 12
    assert counts['tr'] == {'diml': 12}  # train split only, 2 per class
    assert counts['tr_val'] == {'diml': 6}
    assert counts['ti_total'] == 24
    meta = _load(osp.join(out, 'meta.json'))
    assert meta['tr_classes'] == sorted(DIML_TR_CLASSES)
    assert meta['ti_classes'] == list(DIML_TI_CLASSES)
    assert meta['options']['splits'] == ['train']
    # TGMB protocol: both official splits, HR images
    counts = convert_diml(
        converted['tree']['root'],
        str(tmp_path / 'all'),
        splits=('train', 'test'),
        resolution='HR')
    assert counts['tr'] == {'diml': 18} and counts['ti_total'] == 36


def test_pairs_and_depth_values(converted):
    out = converted['out']
    by_src = {
        osp.join(s['split'], 'LR', s['folder'], s['name']): s
        for s in converted['tree']['samples']
    }
    recs = _load(osp.join(out, 'annotations', 'diml_tr.json'))['data_list']
    recs += _load(osp.join(out, 'annotations', 'ti.json'))['data_list']
    assert len(recs) == 36
    for r in recs:
        s = by_src[r['source']]
        assert s['split'] == 'train'
        rgb = cv2.imread(osp.join(out, r['rgb_path']), cv2.IMREAD_UNCHANGED)
        depth = cv2.imread(
            osp.join(out, r['depth_path']), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(rgb, s['rgb'])
        np.testing.assert_array_equal(depth, s['depth'])  # mm, unchanged
    living = [
        r for r in recs if r['source'].endswith(
            tuple(s['name'] for s in converted['tree']['samples']
                  if s['folder'] == '12_Livingroom'))
    ]
    assert living and all(r['gt_label'] == DIML_TR_CLASSES.index('living_room')
                          for r in living)


def test_configs_load(converted):
    out = converted['out']
    cfg = Config.fromfile(osp.join(CFG, 'diml_rgb2depth.py'))
    assert cfg.target_modality == 'depth' and cfg.depth_range == (0.0, 8.0)
    cfg.data_root = out  # the setting every dataset follows
    cfg = resolve_config(cfg)
    train = cfg.train_dataloader.dataset
    ds = DATASETS.build(train)
    assert len(ds) == 12
    assert ds[0]['target']['inputs'].shape == (3, 224, 224)
    vds = DATASETS.build(cfg.val_dataloader.dataset)
    assert vds.classes == DIML_TR_CLASSES
    # 2500 mm -> round(2.5 / 8 * 255) = round(79.6875) = 80
    res = LoadModality(depth_range=cfg.depth_range)(
        dict(img_path=vds.get_data_info(0)['img_path'], modality='depth'))
    assert res['img'][0, 0].tolist() == [80, 80, 80]
    src = Config.fromfile(osp.join(CFG, 'diml_source.py'))
    src.data_root = out
    src = resolve_config(src)
    for key in ('train_dataloader', 'val_dataloader'):
        d = src[key].dataset
        assert DATASETS.build(d)[0]['inputs'].shape == (3, 224, 224)


def test_ti_from_sunrgbd(converted):
    """Table 5's second TI choice: DIML target, SUN RGB-D TI pairs."""
    tmp = converted['tmp']
    sun = write_sunrgbd_tree(
        str(tmp / 'sun_src'),
        tr_per_domain={d: 1
                       for d in ('kv1', 'kv2', 'realsense', 'xtion')},
        tr_classes=('kitchen', ),
        ti_classes=('bedroom', ))
    sun_out = str(tmp / 'sunrgbd')
    convert_sunrgbd(
        sun['root'],
        sun_out,
        tr_classes=('kitchen', ),
        ti_classes=('bedroom', ))
    cfg = Config.fromfile(osp.join(CFG, 'diml_rgb2depth.py'))
    cfg.data_root = converted['out']
    cfg.ti_data_root = sun_out  # what the leaf config sets
    cfg = resolve_config(cfg)
    assert cfg.val_dataloader.dataset.data_root == converted['out']
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(ds.streams['ti']) == 4
    assert ds[0]['ti']['inputs'].shape == (3, 224, 224)


def test_cli_and_source_untouched(converted, capsys):
    from tools.dataset_converters.diml import main
    tmp = converted['tmp']
    out = str(tmp / 'cli')
    assert main(
        [converted['tree']['root'], '--out', out, '--splits', 'train',
         'test']) == 0
    assert 'TI total: 36' in capsys.readouterr().out
    assert main([converted['tree']['root'], '--out', out]) == 1
    assert tree_digest(str(tmp / 'src')) == converted['before']


def test_errors_name_the_file(tmp_path):
    tree = write_diml_tree(
        str(tmp_path / 'src'), per_class={'train': 1}, resolutions=('LR', ))
    root = tree['root']
    kitchen = osp.join(root, 'train', 'LR', '10_Kitchen')
    name = os.listdir(osp.join(kitchen, 'color'))[0][:-len('_c.png')]
    depth = osp.join(kitchen, 'depth_filled', f'{name}_depth_filled.png')
    # a depth map saved as 8 bit is not the release's encoding
    os.rename(depth, depth + '.bak')
    cv2.imwrite(depth, np.zeros((4, 4), np.uint8))
    with pytest.raises(ConversionError, match='16-bit') as e:
        convert_diml(root, str(tmp_path / 'out'))
    assert depth in str(e.value)
    # missing pair
    os.remove(depth)
    with pytest.raises(ConversionError, match='missing pair') as e:
        convert_diml(root, str(tmp_path / 'out'))
    assert osp.join(kitchen, 'color', f'{name}_c.png') in str(e.value)
    os.rename(depth + '.bak', depth)
    # corrupt colour image
    color = osp.join(kitchen, 'color', f'{name}_c.png')
    with open(color, 'wb') as f:
        f.write(b'\x89PNG broken')
    with pytest.raises(ConversionError, match='cannot decode') as e:
        convert_diml(root, str(tmp_path / 'out'))
    assert color in str(e.value)
    assert not osp.exists(tmp_path / 'out')
    # unknown scene folder
    os.makedirs(osp.join(root, 'train', 'LR', '19_Spaceship', 'color'))
    with pytest.raises(ConversionError, match="'19_Spaceship'"):
        convert_diml(root, str(tmp_path / 'out'))
    # empty TI set
    with pytest.raises(ConversionError, match='task-irrelevant set is empty'):
        convert_diml(
            root,
            str(tmp_path / 'out'),
            tr_classes=('bathroom', ),
            ti_classes=('igloo', ),
            on_unknown='skip')
