# Copyright (c) mmsocket contributors. All rights reserved.
"""Tests of the procedural synthetic benchmark (renderer, sensors, writer)."""
import json
import os.path as osp
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmsocket.synthetic import (OBJECT_CLASSES, PALETTES, SCENE_CLASSES,
                                SENSORS, TI_CLASSES, TR_CLASSES, Box, Camera,
                                Cylinder, Material, ObjectSpec, PointLight,
                                Room, Scene, SceneClass, SceneObject, Sphere,
                                generate_transfer_benchmark, get_sensor,
                                render, render_sample, sample_seed, summarize)

TINY = dict(n_tr_per_class=2, n_ti_per_class=2, n_test_per_class=1)
FEW_TR = ['bathroom', 'corridor', 'office']
FEW_TI = ['bedroom', 'stairs']


def _scene(objects=()):
    """A 4 x 3 x 6 m grey room lit from the ceiling."""
    grey = Material((0.5, 0.5, 0.5), nir=0.6)
    room = Room((4.0, 3.0, 6.0), grey, grey, grey)
    return Scene(room, list(objects), [PointLight((2.0, 2.9, 3.0))])


def _files(root):
    root = Path(root)
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob('*')) if p.is_file()
    }


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    """One tiny benchmark with every default class and domain."""
    out = tmp_path_factory.mktemp('synth') / 'data'
    meta = generate_transfer_benchmark(str(out), seed=0, workers=1, **TINY)
    return out, meta


def test_class_lists():
    assert len(TR_CLASSES) >= 10 and len(TI_CLASSES) >= 10
    assert not set(TR_CLASSES) & set(TI_CLASSES)
    assert list(TR_CLASSES) == sorted(TR_CLASSES)
    assert set(TR_CLASSES) | set(TI_CLASSES) == set(SCENE_CLASSES)
    # Object types are shared, so no single object gives a class away.
    kinds = {
        name: {spec.kind
               for spec in cls.objects}
        for name, cls in SCENE_CLASSES.items()
    }
    assert any(kinds['classroom'] & kinds[c] for c in TR_CLASSES
               if c != 'classroom')


def test_catalogue_rows_are_checked():
    """The catalogue is data: a typo in a row is an error that names it,
    not an object silently placed by another rule."""
    spec = ObjectSpec.from_row(
        ('computer_row', (2, 4), 'rows', 0.5, dict(fill=0.95, seats=(2, 4))))
    assert spec == ObjectSpec('computer_row', (2, 4), 'rows', 0.5, 0.95,
                              (('seats', (2, 4)), ))
    assert ObjectSpec.from_row(('sofa', 1, 'side')).count == (1, 1)
    with pytest.raises(ValueError, match="unknown placement 'centr'"):
        ObjectSpec.from_row(('sofa', 1, 'centr'))
    with pytest.raises(ValueError, match="kind 'sofas' has no builder"):
        ObjectSpec.from_row(('sofas', 1, 'centre'))
    with pytest.raises(ValueError, match='count'):
        ObjectSpec.from_row(('sofa', (3, 1), 'centre'))
    with pytest.raises(ValueError, match="unknown palettes \\['wall_pink'\\]"):
        SceneClass(
            'x', ((2, 3), (2, 3), (2, 3)), (),
            appearance={'wall': ('wall_white', 'wall_pink')})
    for cls in SCENE_CLASSES.values():
        for role, names in cls.appearance.items():
            assert set(names) <= set(PALETTES), (cls.name, role)


def test_render_hand_made_scene():
    mat = Material((0.8, 0.2, 0.2), nir=0.5)
    box = SceneObject([Box((2.0, 0.75, 3.0), (1.0, 1.5, 1.0), mat)],
                      semantic=10)
    scene = _scene([box])
    # An odd size puts the central pixel exactly on the optical axis.
    cam = Camera(41, 31, 60.0, (2.0, 0.75, 0.5))
    out = render(scene, cam)
    assert out['rgb'].shape == (31, 41, 3) and out['rgb'].dtype == np.float32
    assert out['depth'].shape == out['nir'].shape == (31, 41)
    assert out['semantic'].dtype == out['instance'].dtype == np.uint16
    assert 0 <= out['rgb'].min() and out['rgb'].max() <= 1
    # Box front face at z = 2.5, camera at z = 0.5: 2 m; a plane facing the
    # camera has the same z-depth in every pixel it covers.
    assert out['depth'][15, 20] == pytest.approx(2.0, abs=1e-5)
    assert out['semantic'][15, 20] == 10 and out['instance'][15, 20] == 1
    on_box = out['semantic'] == 10
    np.testing.assert_allclose(out['depth'][on_box], 2.0, atol=1e-5)
    # Left edge of the view sees the back wall (z = 6) or a side wall.
    assert out['semantic'][15, 0] == 1 and out['instance'][15, 0] == 0
    # Along the central row the depth jumps exactly where the id changes.
    row_d, row_s = out['depth'][15], out['semantic'][15]
    jumps = np.flatnonzero(np.abs(np.diff(row_d)) > 1.0)
    changes = np.flatnonzero(np.diff(row_s.astype(int)) != 0)
    np.testing.assert_array_equal(jumps, changes)
    # The lit box front is brighter in red than in blue.
    assert out['rgb'][15, 20, 0] > out['rgb'][15, 20, 2]


def test_render_primitives_and_pose():
    m = Material((0.5, 0.5, 0.5))
    cases = [
        # (primitive, expected z-depth from a camera at z = 0.5)
        (Sphere((2.0, 1.0, 4.0), 0.5, m), 3.0),
        (Cylinder((2.0, 3.0), (0.0, 2.0), 0.4, m), 2.1),
        # A 45-degree box shows its vertical edge at 3 - sqrt(0.5).
        (Box((2.0, 1.0, 3.0), (1.0, 2.0, 1.0), m,
             yaw=45.0), 2.5 - np.sqrt(0.5)),
    ]
    for prim, expected in cases:
        out = render(
            _scene([SceneObject([prim], 5)]),
            Camera(21, 21, 60.0, (2.0, 1.0, 0.5)),
            shadows=False)
        assert out['depth'][10, 10] == pytest.approx(expected, abs=1e-5)
        assert out['semantic'][10, 10] == 5
    # Yaw 90 looks along +x: the wall x = 4 is 2 m away.
    out = render(_scene(), Camera(21, 21, 60.0, (2.0, 1.5, 3.0), yaw=90.0))
    assert out['depth'][10, 10] == pytest.approx(2.0, abs=1e-5)
    # Pitch -90 looks at the floor from 1.5 m.
    out = render(_scene(), Camera(21, 21, 60.0, (2.0, 1.5, 3.0), pitch=-90))
    assert out['depth'][10, 10] == pytest.approx(1.5, abs=1e-5)
    assert out['semantic'][10, 10] == OBJECT_CLASSES.index('floor')


def test_supersample_and_textures():
    tex = Material((0.8, 0.8, 0.8),
                   texture='checker',
                   texture_scale=0.3,
                   texture_contrast=0.8)
    scene = _scene(
        [SceneObject([Box((2.0, 1.0, 3.0), (2.0, 2.0, 0.2), tex)], 7)])
    cam = Camera(24, 18, 60.0, (2.0, 1.0, 0.5))
    out = render(scene, cam, supersample=3)
    assert out['rgb'].shape == (18, 24, 3)
    assert 'depth_mean' in out
    # The checker shows up as brightness variation on the flat box.
    on = out['semantic'] == 7
    assert out['rgb'][on].std() > 0.02
    with pytest.raises(ValueError):
        Material((0.5, 0.5, 0.5), texture='marble')


def test_noise_free_sensor_depth():
    box = SceneObject([
        Box((2.0, 0.75, 3.0),
            (1.0, 1.5, 1.0), Material((0.6, 0.6, 0.6), nir=0.7))
    ], 10)
    scene = _scene([box])
    for name, sensor in SENSORS.items():
        ideal = sensor.noise_free()
        cam = ideal.camera((2.0, 0.75, 0.5))
        maps = render(scene, cam)
        out = ideal.capture(maps, np.random.default_rng(0))
        h, w = out['depth'].shape
        assert (h, w) == (sensor.height, sensor.width)
        assert out['depth'].dtype == np.uint16
        assert out['rgb'].shape == (h, w, 3) and out['rgb'].dtype == np.uint8
        assert out['nir'].dtype == np.uint8
        # Exactly 2000 mm on the box; holes only outside the depth range.
        assert out['depth'][h // 2, w // 2] == 2000, name
        lo, hi = sensor.depth_range
        in_range = (maps['depth'] >= lo) & (maps['depth'] <= hi)
        np.testing.assert_array_equal(out['depth'] > 0, in_range)
        err = out['depth'][in_range] - maps['depth'][in_range] * 1000
        assert np.abs(err).max() <= 0.51, name


def test_sensors_differ():
    # A flat wall 3 m ahead, filling the view.
    wall = SceneObject([
        Box((2.0, 1.5, 3.55),
            (4.0, 3.0, 0.1), Material((0.6, 0.6, 0.6), nir=0.7))
    ], 1)
    scene = _scene([wall])
    stats = {}
    for name, sensor in SENSORS.items():
        cam = sensor.camera((2.0, 1.5, 0.5))
        maps = render(scene, cam)
        out = sensor.capture(maps, np.random.default_rng(1))
        on_wall = maps['instance'] == 1
        d = out['depth'][on_wall].astype(float) / 1000
        valid = d > 0
        stats[name] = (np.std(d[valid] - 3.0), 1 - valid.mean())
        # Readings stay near the truth; zeros are the only invalid value.
        assert np.median(np.abs(d[valid] - 3.0)) < 0.1, name
    sizes = {(s.width, s.height) for s in SENSORS.values()}
    assert len(sizes) >= 3
    # Structured light is noisier than time of flight; the stereo camera
    # is the noisiest and loses the most pixels.
    assert stats['kv1'][0] > stats['kv2'][0]
    assert stats['realsense'][0] > stats['kv1'][0]
    assert stats['realsense'][1] > stats['kv2'][1]
    # Colour responses differ on the same view.
    rgbs = [
        s.capture(
            render(scene, s.camera((2.0, 1.5, 0.5))),
            np.random.default_rng(0))['rgb'].reshape(-1, 3).mean(0)
        for s in SENSORS.values()
    ]
    assert np.ptp(np.array(rgbs), axis=0).max() > 5


def test_render_sample_is_aligned_and_seeded():
    cls = SCENE_CLASSES['classroom']
    sensor = get_sensor('kv2')
    a = render_sample(cls, sensor, sample_seed(0, 'tr', 'kv2', 'classroom', 3))
    b = render_sample(cls, sensor, sample_seed(0, 'tr', 'kv2', 'classroom', 3))
    c = render_sample(cls, sensor, sample_seed(0, 'tr', 'kv2', 'classroom', 4))
    for key in ('rgb', 'depth', 'nir', 'semantic'):
        assert a[key].shape[:2] == (sensor.height, sensor.width)
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a['rgb'], c['rgb'])
    # The noise-free twin sees the same scene: holes are the sensor's doing.
    ideal = render_sample(cls, sensor.noise_free(),
                          sample_seed(0, 'tr', 'kv2', 'classroom', 3))
    np.testing.assert_array_equal(ideal['semantic'], a['semantic'])
    holes = a['depth'] == 0
    assert (ideal['depth'] > 0).mean() > 0.9
    assert holes.mean() >= (ideal['depth'] == 0).mean()
    assert holes.mean() < 0.3
    both = ~holes & (ideal['depth'] > 0)
    rel = np.abs(a['depth'][both].astype(float) -
                 ideal['depth'][both]) / ideal['depth'][both]
    assert np.median(rel) < 0.02


def test_layout_and_annotations(tiny_set):
    out, meta = tiny_set
    assert set(meta) == {
        'name', 'tr_classes', 'ti_classes', 'domains', 'modalities',
        'depth_unit_mm', 'depth_range_m', 'generator'
    }
    assert meta['tr_classes'] == sorted(TR_CLASSES)
    assert meta['ti_classes'] == sorted(TI_CLASSES)
    assert meta['domains'] == ['kv1', 'kv2', 'realsense', 'xtion']
    assert meta['modalities'] == ['rgb', 'depth', 'nir']
    assert meta['depth_unit_mm'] == 1 and meta['generator']['seed'] == 0
    assert json.loads((out / 'meta.json').read_text()) == meta

    n_tr = len(TR_CLASSES)
    counts = summarize(str(out))
    for d in meta['domains']:
        assert counts[d] == {
            'tr': 2 * n_tr,
            'tr_train': n_tr,
            'tr_val': n_tr,
            'tr_test': n_tr
        }
    assert sum(counts['ti'].values()) == 2 * len(TI_CLASSES)

    sensor_sizes = {d: (s.height, s.width) for d, s in SENSORS.items()}
    for ann in sorted((out / 'annotations').glob('*.json')):
        data = json.loads(ann.read_text())
        info = data['metainfo']
        is_ti = ann.name == 'ti.json'
        classes = meta['ti_classes'] if is_ti else meta['tr_classes']
        assert info['classes'] == classes
        assert info['modalities'] == ['rgb', 'depth', 'nir']
        for rec in data['data_list']:
            assert set(rec) == {
                'sample_id', 'rgb_path', 'depth_path', 'nir_path', 'gt_label'
            }
            domain, cls, _ = rec['sample_id'].split('/')
            assert classes[rec['gt_label']] == cls
            if not is_ti:
                assert domain == info['domain']
            rgb = cv2.imread(str(out / rec['rgb_path']), cv2.IMREAD_UNCHANGED)
            depth = cv2.imread(
                str(out / rec['depth_path']), cv2.IMREAD_UNCHANGED)
            nir = cv2.imread(str(out / rec['nir_path']), cv2.IMREAD_UNCHANGED)
            sem = cv2.imread(
                str(out / osp.dirname(rec['rgb_path']) / 'semantic.png'),
                cv2.IMREAD_UNCHANGED)
            assert rgb.dtype == np.uint8 and rgb.shape[2] == 3
            assert depth.dtype == np.uint16 and sem.dtype == np.uint16
            assert nir.dtype == np.uint8 and nir.ndim == 2
            assert rgb.shape[:2] == depth.shape == nir.shape == sem.shape \
                == sensor_sizes[domain]
            assert sem.max() < len(OBJECT_CLASSES)
            assert depth.max() <= meta['depth_range_m'][1] * 1000
    # The TR training and validation splits partition the TR set.
    tr = json.loads((out / 'annotations/kv1_tr.json').read_text())
    tr_ids = {r['sample_id'] for r in tr['data_list']}
    parts = [
        json.loads((out / f'annotations/kv1_tr_{s}.json').read_text())
        for s in ('train', 'val')
    ]
    ids = [{r['sample_id'] for r in p['data_list']} for p in parts]
    assert ids[0] | ids[1] == tr_ids and not ids[0] & ids[1]
    test = json.loads((out / 'annotations/kv1_tr_test.json').read_text())
    assert not {r['sample_id'] for r in test['data_list']} & tr_ids


def test_determinism(tmp_path):
    kwargs = dict(tr_classes=FEW_TR, ti_classes=FEW_TI, **TINY)
    generate_transfer_benchmark(
        str(tmp_path / 'a'), seed=3, workers=1, **kwargs)
    # Another process layout gives the same bytes.
    generate_transfer_benchmark(
        str(tmp_path / 'b'), seed=3, workers=2, **kwargs)
    generate_transfer_benchmark(
        str(tmp_path / 'c'), seed=4, workers=1, **kwargs)
    a, b, c = (_files(tmp_path / k) for k in 'abc')
    assert a == b
    assert set(a) == set(c)
    pngs = [k for k in a if k.endswith('rgb.png')]
    assert all(a[k] != c[k] for k in pngs)


def test_idempotent_and_refuses_foreign(tmp_path):
    kwargs = dict(
        tr_classes=FEW_TR[:2],
        ti_classes=FEW_TI[:1],
        domains=('kv1', 'kv2'),
        workers=1,
        **TINY)
    out = tmp_path / 'data'
    meta = generate_transfer_benchmark(str(out), **kwargs)
    stamp = (out / 'meta.json').stat().st_mtime_ns
    assert generate_transfer_benchmark(str(out), **kwargs) == meta
    assert (out / 'meta.json').stat().st_mtime_ns == stamp
    with pytest.raises(FileExistsError, match='other parameters'):
        generate_transfer_benchmark(str(out), seed=1, **kwargs)

    foreign = tmp_path / 'foreign'
    foreign.mkdir()
    (foreign / 'notes.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='not empty'):
        generate_transfer_benchmark(str(foreign), **kwargs)
    assert (foreign / 'notes.txt').read_text() == 'keep me'

    # An interrupted run of the same parameters is finished, not refused.
    (out / 'meta.json').rename(out / '.generating.json')
    assert generate_transfer_benchmark(str(out), **kwargs) == meta
    assert not (out / '.generating.json').exists()

    with pytest.raises(ValueError):
        generate_transfer_benchmark(
            str(tmp_path / 'x'), tr_classes=['gym'], ti_classes=['gym'])


def test_cli(tmp_path, capsys):
    from tools.dataset_converters.generate_synthetic import main
    out = str(tmp_path / 'cli')
    main([
        '--out', out, '--n-tr', '1', '--n-ti', '1', '--n-test', '0',
        '--domains', 'kv1', '--tr-classes', 'kitchen', 'lab', '--ti-classes',
        'gym', '--workers', '1'
    ])
    printed = capsys.readouterr().out
    assert 'kv1' in printed and 'tr_train' in printed
    assert (Path(out) / 'annotations' / 'kv1_tr.json').is_file()
