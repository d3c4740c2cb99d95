# Copyright (c) mmsocket contributors. All rights reserved.
"""RGB-NIR Scene converter on a tiny tree in the official layout."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from mmsocket.apis import resolve_config
from mmsocket.dataset_converters import ConversionError
from mmsocket.dataset_converters.rgb_nir import (RGB_NIR_TI_CLASSES,
                                                 RGB_NIR_TR_CLASSES,
                                                 convert_rgb_nir)
from mmsocket.registry import DATASETS
from tests.fixtures_official import tree_digest, write_rgb_nir_tree

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(REPO, 'configs/_base_/datasets')


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('nir')
    tree = write_rgb_nir_tree(str(tmp / 'src'), per_class=3)
    before = tree_digest(str(tmp / 'src'))
    out = str(tmp / 'rgb_nir')
    counts = convert_rgb_nir(str(tmp / 'src'), out)  # parent of nirscene1
    return dict(tree=tree, out=out, counts=counts, before=before, tmp=tmp)


def _load(path):
    with open(path) as f:
        return json.load(f)


def test_counts_and_classes(converted):
    counts, out = converted['counts'], converted['out']
    assert counts['tr'] == {'rgb_nir': 18}
    assert counts['tr_val'] == {'rgb_nir': 6}  # round(3 / 10) -> 1 a class
    assert counts['ti_total'] == 9
    assert counts['ti_per_class'] == {
        'forest': 3,
        'old_building': 3,
        'urban': 3
    }
    meta = _load(osp.join(out, 'meta.json'))
    assert meta['tr_classes'] == list(RGB_NIR_TR_CLASSES)
    assert meta['ti_classes'] == ['forest', 'old_building', 'urban']
    assert meta['modalities'] == ['rgb', 'nir']
    assert RGB_NIR_TI_CLASSES == ('forest', 'old_building', 'urban')


def test_pairs_and_values(converted):
    out = converted['out']
    by_src = {
        osp.join(s['folder'], s['stem']): s
        for s in converted['tree']['samples']
    }
    recs = _load(osp.join(out, 'annotations', 'rgb_nir_tr.json'))['data_list']
    recs += _load(osp.join(out, 'annotations', 'ti.json'))['data_list']
    assert len(recs) == 27
    for r in recs:
        s = by_src[r['source']]
        rgb = cv2.imread(osp.join(out, r['rgb_path']), cv2.IMREAD_UNCHANGED)
        nir = cv2.imread(osp.join(out, r['nir_path']), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(rgb, s['rgb'])  # TIFF is lossless
        assert nir.ndim == 2 and nir.dtype == np.uint8
        np.testing.assert_array_equal(nir, s['nir'])
        assert 'depth_path' not in r


@pytest.mark.parametrize('cfg_name,target', [('rgb_nir_rgb2nir.py', 'nir'),
                                             ('rgb_nir_nir2rgb.py', 'rgb')])
def test_transfer_configs_load(converted, cfg_name, target):
    out = converted['out']
    cfg = Config.fromfile(osp.join(CFG, cfg_name))
    assert cfg.target_modality == target
    assert cfg.source_modality == ('rgb' if target == 'nir' else 'nir')
    cfg.data_root = out
    cfg = resolve_config(cfg)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(ds) == 18
    item = ds[0]
    assert item['target']['inputs'].shape == (3, 224, 224)
    if target == 'nir':  # one band replicated to three channels
        x = item['ti']['inputs']
        assert bool((x[0] == x[1]).all() and (x[1] == x[2]).all())
    vds = DATASETS.build(cfg.val_dataloader.dataset)
    assert vds.classes == RGB_NIR_TR_CLASSES
    assert len(vds) == 18


def test_source_config_rgb_and_nir(converted):
    out = converted['out']
    assert Config.fromfile(osp.join(
        CFG, 'rgb_nir_source.py')).source_modality == 'rgb'
    for modality in ('rgb', 'nir'):  # NIR source: the setting changed
        cfg = Config.fromfile(osp.join(CFG, 'rgb_nir_source.py'))
        cfg.merge_from_dict(dict(data_root=out, source_modality=modality))
        cfg = resolve_config(cfg)
        for key in ('train_dataloader', 'val_dataloader'):
            ds = DATASETS.build(cfg[key].dataset)
            assert ds[0]['inputs'].shape == (3, 224, 224)
            assert ds.get_data_info(0)['img_path'].endswith(f'/{modality}.png')
    assert len(DATASETS.build(cfg.val_dataloader.dataset)) == 6


def test_cli_and_source_untouched(converted, capsys):
    from tools.dataset_converters.rgb_nir import main
    tmp = converted['tmp']
    out = str(tmp / 'cli')
    assert main([converted['tree']['root'], '--out', out]) == 0
    assert 'TI total: 9' in capsys.readouterr().out
    assert main([converted['tree']['root'], '--out', out]) == 1
    assert tree_digest(str(tmp / 'src')) == converted['before']


def test_errors_name_the_file(tmp_path):
    tree = write_rgb_nir_tree(str(tmp_path / 'src'), per_class=1)
    root = tree['root']
    # missing pair
    nir = osp.join(root, 'water', '0008_nir.tiff')
    os.rename(nir, nir + '.bak')
    with pytest.raises(ConversionError, match='missing pair') as e:
        convert_rgb_nir(root, str(tmp_path / 'out'))
    assert osp.join(root, 'water', '0008_rgb.tiff') in str(e.value)
    os.rename(nir + '.bak', nir)
    # corrupt image
    bad = osp.join(root, 'urban', '0007_nir.tiff')
    with open(bad, 'wb') as f:
        f.write(b'II*\x00garbage')
    with pytest.raises(ConversionError, match='cannot decode') as e:
        convert_rgb_nir(root, str(tmp_path / 'out'))
    assert bad in str(e.value)
    assert not osp.exists(tmp_path / 'out')
    # a category in neither list
    os.makedirs(osp.join(root, 'desert'))
    cv2.imwrite(
        osp.join(root, 'desert', '0100_rgb.tiff'), np.zeros((4, 4, 3),
                                                            np.uint8))
    cv2.imwrite(
        osp.join(root, 'desert', '0100_nir.tiff'), np.zeros((4, 4), np.uint8))
    with pytest.raises(ConversionError, match="'desert'"):
        convert_rgb_nir(root, str(tmp_path / 'out'))
    # empty TI set: only TR categories requested as TI are absent
    with pytest.raises(ConversionError, match='task-irrelevant set is empty'):
        convert_rgb_nir(
            root,
            str(tmp_path / 'out'),
            tr_classes=('country', ),
            ti_classes=('glacier', ),
            on_unknown='skip')
