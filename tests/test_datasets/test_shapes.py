# Copyright (c) mmsocket contributors. All rights reserved.
"""Shapes RGB-D: layout a user would have, pairing, and the property it
exists for (colour classes share their geometry, so depth cannot see
them)."""
import filecmp
import json

import cv2
import numpy as np
import pytest

from mmsocket.synthetic.renderer import render
from mmsocket.synthetic.shapes import (COLOUR_CLASSES, SHAPES_TI_CLASSES,
                                       SHAPES_TR_CLASSES, generate_shapes_rgbd,
                                       sample_shapes_scene, summarize_shapes)

TINY = dict(n_tr_per_class=2, n_ti_per_class=1, workers=0)


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp('shapes') / 'raw'
    meta = generate_shapes_rgbd(str(out), seed=0, **TINY)
    return out, meta


def test_user_layout_pairs_and_dtypes(tiny):
    out, meta = tiny
    assert summarize_shapes(str(out)) == dict(
        task_relevant={c: 2
                       for c in SHAPES_TR_CLASSES},
        task_irrelevant={c: 1
                         for c in SHAPES_TI_CLASSES})
    for split in ('task_relevant', 'task_irrelevant'):
        rgb = sorted(
            p.relative_to(out / split / 'rgb')
            for p in (out / split / 'rgb').rglob('*.png'))
        depth = sorted(
            p.relative_to(out / split / 'depth')
            for p in (out / split / 'depth').rglob('*.png'))
        assert rgb == depth and rgb  # paired by relative path
        img = cv2.imread(
            str(out / split / 'rgb' / rgb[0]), cv2.IMREAD_UNCHANGED)
        d = cv2.imread(
            str(out / split / 'depth' / rgb[0]), cv2.IMREAD_UNCHANGED)
        assert img.dtype == np.uint8 and img.shape == (60, 80, 3)
        assert d.dtype == np.uint16 and d.shape == (60, 80)
        # Millimetres: the object and room lie 1-6 m from the camera.
        assert 1000 < np.median(d[d > 0]) < 6000
    assert meta['depth_unit'] == 'mm' and meta['depth_ceiling'] == 0.625
    assert json.loads((out / 'meta.json').read_text()) == meta
    assert not set(SHAPES_TR_CLASSES) & set(SHAPES_TI_CLASSES)


def test_colour_classes_share_their_geometry():
    # Same scene stream, two colours: the noise-free depth is identical,
    # the RGB is not. Geometry classes differ in depth.
    def ideal(cls):
        scene, cam = sample_shapes_scene(cls, np.random.default_rng(7), 80, 60,
                                         57.0)
        return render(scene, cam)

    red, blue = ideal('red_pillar'), ideal('blue_pillar')
    assert np.array_equal(red['depth'], blue['depth'])
    assert not np.allclose(red['rgb'], blue['rgb'])
    assert not np.array_equal(ideal('cube')['depth'], ideal('sphere')['depth'])
    assert len([c for c in SHAPES_TR_CLASSES if c in COLOUR_CLASSES]) == 4


def test_deterministic_idempotent_and_refuses_foreign_dirs(tiny, tmp_path):
    out, meta = tiny
    again = tmp_path / 'again'
    assert generate_shapes_rgbd(str(again), seed=0, **TINY) == meta
    cmp = filecmp.dircmp(out, again)
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    for sub in ('task_relevant/rgb/cube', 'task_relevant/depth/cube'):
        m, mismatch, errors = filecmp.cmpfiles(
            out / sub, again / sub, ['0000.png', '0001.png'], shallow=False)
        assert not mismatch and not errors
    # Same parameters: nothing to do; other parameters: refused, untouched.
    assert generate_shapes_rgbd(str(again), seed=0, **TINY) == meta
    with pytest.raises(FileExistsError, match='other parameters'):
        generate_shapes_rgbd(str(again), seed=1, **TINY)
    foreign = tmp_path / 'mine'
    foreign.mkdir()
    (foreign / 'notes.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='refusing to write'):
        generate_shapes_rgbd(str(foreign), **TINY)
    assert [p.name for p in foreign.iterdir()] == ['notes.txt']


def test_unknown_class_is_named():
    with pytest.raises(ValueError, match='unknown Shapes RGB-D class'):
        sample_shapes_scene('torus', np.random.default_rng(0), 8, 6, 57.0)


def test_cli(tmp_path, capsys):
    from tools.dataset_converters.generate_shapes_rgbd import main
    out = tmp_path / 'cli'
    main(['--out', str(out), '--n-tr', '1', '--n-ti', '1', '--workers', '0'])
    text = capsys.readouterr().out
    assert 'task_relevant' in text and '8 classes, 8 pairs' in text
