# Copyright (c) mmsocket contributors. All rights reserved.
"""The synthetic real / simulated depth domains."""
import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmsocket.datasets import DepthDataset
from mmsocket.synthetic import (DEPTH_DOMAIN_STYLES, OBJECT_CLASSES,
                                generate_depth_domains, render_depth_sample)
from mmsocket.synthetic.depth_domains import depth_sample_seed

TINY = dict(n_real_train=4, n_real_test=2, n_sim=4, size=(32, 24), workers=1)


def _files(root):
    root = Path(root)
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob('*')) if p.is_file()
    }


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp('depth') / 'data'
    meta = generate_depth_domains(str(out), seed=0, **TINY)
    return out, meta


def test_layout_and_annotations(tiny):
    out, meta = tiny
    assert meta['annotations'] == {
        'real_train': 'annotations/real_train.json',
        'real_test': 'annotations/real_test.json',
        'sim': 'annotations/sim.json'
    }
    counts = {'real_train': 4, 'real_test': 2, 'sim': 4}
    for key, rel in meta['annotations'].items():
        ann = json.loads((out / rel).read_text())
        assert ann['metainfo']['depth_scale'] == 1000
        assert ann['metainfo']['semantic_classes'] == list(OBJECT_CLASSES)
        assert len(ann['data_list']) == counts[key]
        ds = DepthDataset(
            rel,
            data_root=str(out),
            require=('depth_path', 'sem_path', 'inst_path'))
        assert len(ds) == counts[key]
    rec = json.loads((out / 'annotations/sim.json').read_text())['data_list']
    rgb = cv2.imread(str(out / rec[0]['img_path']), cv2.IMREAD_UNCHANGED)
    depth = cv2.imread(str(out / rec[0]['depth_path']), cv2.IMREAD_UNCHANGED)
    sem = cv2.imread(str(out / rec[0]['sem_path']), cv2.IMREAD_UNCHANGED)
    assert rgb.shape == (24, 32, 3) and rgb.dtype == np.uint8
    assert depth.shape == (24, 32) and depth.dtype == np.uint16
    assert sem.dtype == np.uint16 and sem.max() < len(OBJECT_CLASSES)


def test_files_match_the_renderer(tiny):
    out, _ = tiny
    maps = render_depth_sample(DEPTH_DOMAIN_STYLES['real'],
                               depth_sample_seed(0, 'real', 'test', 1),
                               (32, 24))
    stored = cv2.imread(
        str(out / 'real/test/depth/000001.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(stored, maps['depth'])
    rgb = cv2.imread(str(out / 'real/test/rgb/000001.png'))
    np.testing.assert_array_equal(rgb[..., ::-1], maps['rgb'])
    # Real depth is dense and clean inside the cap.
    assert (maps['depth'] > 0).mean() > 0.9


def test_max_depth_marks_invalid():
    seed = depth_sample_seed(0, 'real', 'train', 0)
    full = render_depth_sample(DEPTH_DOMAIN_STYLES['real'], seed, (32, 24))
    capped = render_depth_sample(
        DEPTH_DOMAIN_STYLES['real'], seed, (32, 24), max_depth=2.0)
    far = full['depth'] > 2000
    assert far.any() and (capped['depth'][far] == 0).all()
    np.testing.assert_array_equal(capped['depth'][~far], full['depth'][~far])


def test_deterministic_and_idempotent(tiny, tmp_path):
    out, meta = tiny
    again = tmp_path / 'again'
    generate_depth_domains(str(again), seed=0, **dict(TINY, workers=2))
    assert _files(again) == _files(out)
    assert generate_depth_domains(str(again), seed=0, **TINY) == meta
    with pytest.raises(FileExistsError, match='other parameters'):
        generate_depth_domains(str(again), seed=1, **TINY)
    other = tmp_path / 'other'
    generate_depth_domains(str(other), seed=1, **TINY)
    a, b = _files(out), _files(other)
    assert a['real/train/rgb/000000.png'] != b['real/train/rgb/000000.png']


def test_domains_look_different():
    """Sim is saturated, flat-shaded and posterised; real is not."""
    stats = {}
    for name, style in DEPTH_DOMAIN_STYLES.items():
        sat, levels = [], set()
        for i in range(6):
            rgb = render_depth_sample(style,
                                      depth_sample_seed(5, name, 'train', i),
                                      (40, 30))['rgb']
            hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
            sat.append(hsv[..., 1].mean())
            levels |= set(np.unique(rgb).tolist())
        stats[name] = (np.mean(sat), len(levels))
    assert stats['sim'][0] > stats['real'][0] + 40
    assert stats['sim'][1] <= DEPTH_DOMAIN_STYLES['sim'].posterize
    assert stats['real'][1] > 100


def test_real_camera_is_a_rig():
    """The real camera's height and tilt barely vary (the distance cue a
    depth teacher learns from), the simulated one's freely: the floor just
    below the image centre is at about the same depth in every real image,
    at widely different depths in the simulated ones. Measured on these 24
    seeds: interquartile range / median 0.04 (real), 0.59 (sim), 0.38 with
    the scene classes' own hand-held poses (1.1-1.6 m, -25..-5 deg)."""
    spread = {}
    for name, style in DEPTH_DOMAIN_STYLES.items():
        near = []
        for i in range(24):
            depth = render_depth_sample(style,
                                        depth_sample_seed(3, name, 'train', i),
                                        (32, 24))['depth']
            # The bottom row's central pixels: floor unless an object
            # stands there; the median over the row ignores a few.
            near.append(np.median(depth[-1, 8:24]))
        q25, q50, q75 = np.percentile(near, [25, 50, 75])
        spread[name] = (q75 - q25) / q50
    assert spread['real'] < 0.1
    assert spread['sim'] > 2 * spread['real']


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='counts'):
        generate_depth_domains(str(tmp_path / 'x'), n_sim=-1)
    with pytest.raises(ValueError, match='size'):
        generate_depth_domains(str(tmp_path / 'x'), size=(4, 4))
    (tmp_path / 'busy').mkdir()
    (tmp_path / 'busy' / 'f.txt').write_text('mine')
    with pytest.raises(FileExistsError, match='not empty'):
        generate_depth_domains(str(tmp_path / 'busy'), **TINY)


def test_cli(tmp_path, capsys):
    from tools.dataset_converters.generate_synthetic_depth import main
    out = tmp_path / 'cli'
    main([
        '--out',
        str(out), '--n-real-train', '2', '--n-real-test', '1', '--n-sim', '1',
        '--size', '16', '12', '--workers', '0', '--seed', '4'
    ])
    printed = capsys.readouterr().out
    assert f'synthetic_depth in {out}' in printed
    assert 'annotations/real_train.json' in printed and '2 samples' in printed
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['generator']['seed'] == 4
    assert meta['generator']['size'] == [16, 12]
    # A foreign directory: the error, and nothing written into it.
    (tmp_path / 'busy').mkdir()
    (tmp_path / 'busy' / 'f.txt').write_text('mine')
    with pytest.raises(SystemExit, match='error: .*not empty'):
        main(['--out', str(tmp_path / 'busy'), '--n-sim', '1'])
    assert os.listdir(tmp_path / 'busy') == ['f.txt']
