# Copyright (c) mmsocket contributors. All rights reserved.
"""The synthetic cross-modal transfer benchmark (a SUN RGB-D look-alike).

Scenes of task-relevant (TR) and task-irrelevant (TI) indoor classes are
rendered through four sensor models and written in the on-disk format of
``docs/data_format.md``::

    <out_dir>/meta.json
    <out_dir>/images/<domain>/<class>/<sample>/{rgb,depth,nir,semantic}.png
    <out_dir>/annotations/<domain>_tr{,_train,_val,_test}.json, ti.json

Every sample draws its randomness from ``(seed, split, domain, class,
index)`` alone, so the output is byte-identical for a seed whatever the
number of workers or the order of work, and growing a split keeps the
samples already there.
"""
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .generation import PNG_PARAMS as _PNG
from .generation import dump_json as _dump
from .generation import finish_output_dir
from .generation import normalise_json as _normalise
from .generation import prepare_output_dir, run_tasks
from .generation import stable_key as _key
from .renderer import render
from .scene_classes import TI_CLASSES, TR_CLASSES, SceneClass, get_scene_class
from .sensors import SENSORS, SensorModel, get_sensor

__all__ = [
    'DEFAULT_DOMAINS', 'DEPTH_RANGE_M', 'GENERATOR_VERSION', 'DEFAULT_N_TR',
    'DEFAULT_N_TI', 'DEFAULT_N_TEST', 'sample_seed', 'render_sample',
    'generate_transfer_benchmark', 'summarize'
]

#: The four sensor domains, in SUN RGB-D's order.
DEFAULT_DOMAINS: Tuple[str, ...] = ('kv1', 'kv2', 'realsense', 'xtion')
#: Depth range written to ``meta.json`` (covers every sensor's range).
DEPTH_RANGE_M: Tuple[float, float] = (0.0, 8.0)
#: Bump whenever the output for given parameters changes.
GENERATOR_VERSION = 1
#: The generator's name in ``meta.json``: the module's path when the format
#: was fixed. ``meta.json`` is matched against an existing output before
#: rendering, so the name stays although the module has moved: outputs
#: generated before still match (and their bytes stay the same).
GENERATOR_NAME = 'mmsocket.datasets.synthetic.transfer_benchmark'
#: Quick-start sizes: TR samples per class and domain, TI pairs per TI
#: class (pooled over domains), held-out TR samples per class and domain.
DEFAULT_N_TR, DEFAULT_N_TI, DEFAULT_N_TEST = 60, 30, 20

_SPLITS = {'tr': 1, 'test': 2, 'ti': 3}
_MODALITIES = ('rgb', 'depth', 'nir')


def sample_seed(seed: int, split: str, domain: str, cls: str,
                index: int) -> np.random.SeedSequence:
    """The seed sequence of one sample.

    Args:
        seed (int): Benchmark seed.
        split (str): ``'tr'``, ``'test'`` or ``'ti'``.
        domain (str): Sensor domain.
        cls (str): Scene class.
        index (int): Sample index within (split, domain, class).

    Returns:
        np.random.SeedSequence: Independent of every other sample's.
    """
    return np.random.SeedSequence(
        [int(seed), _SPLITS[split],
         _key(domain),
         _key(cls),
         int(index)])


def render_sample(scene_class: SceneClass, sensor: SensorModel,
                  seed: np.random.SeedSequence) -> Dict[str, np.ndarray]:
    """Sample a scene of a class and capture it with a sensor.

    Scene sampling and sensor noise use separate child streams, so a
    noise-free sensor sees exactly the scene its noisy twin sees.

    Args:
        scene_class (SceneClass): What to render.
        sensor (SensorModel): How to capture it.
        seed (np.random.SeedSequence): The sample's seed.

    Returns:
        dict[str, np.ndarray]: ``rgb`` (H, W, 3) uint8 RGB, ``depth`` (H, W)
        uint16 mm, ``nir`` (H, W) uint8 and ``semantic`` (H, W) uint16.
    """
    scene_seed, sensor_seed = seed.spawn(2)
    scene, camera = scene_class.sample(
        np.random.default_rng(scene_seed), sensor.width, sensor.height,
        sensor.hfov)
    maps = render(scene, camera)
    out = sensor.capture(maps, np.random.default_rng(sensor_seed))
    out['semantic'] = maps['semantic']
    return out


def _write_sample(task: Tuple[str, int, str, str, str, int, str]) -> None:
    out_dir, seed, split, domain, cls, index, rel = task
    maps = render_sample(
        get_scene_class(cls), get_sensor(domain),
        sample_seed(seed, split, domain, cls, index))
    d = Path(out_dir) / rel
    d.mkdir(parents=True, exist_ok=True)
    # cv2 writes BGR; the format stores BGR on disk, as cv2 reads it.
    cv2.imwrite(str(d / 'rgb.png'), maps['rgb'][..., ::-1], _PNG)
    cv2.imwrite(str(d / 'depth.png'), maps['depth'], _PNG)
    cv2.imwrite(str(d / 'nir.png'), maps['nir'], _PNG)
    cv2.imwrite(str(d / 'semantic.png'), maps['semantic'], _PNG)


def _record(split: str, domain: str, cls: str, index: int,
            label: int) -> Dict[str, Any]:
    name = f'test_{index:06d}' if split == 'test' else f'{index:06d}'
    sid = f'{domain}/{cls}/{name}'
    rec: Dict[str, Any] = {'sample_id': sid}
    for m in _MODALITIES:
        rec[f'{m}_path'] = f'images/{sid}/{m}.png'
    rec['gt_label'] = label
    return rec


def _n_val(n: int) -> int:
    """Validation samples of a class with ``n`` TR samples (10 %)."""
    return 0 if n < 2 else max(1, int(round(n / 10)))


def generate_transfer_benchmark(
        out_dir: str,
        seed: int = 0,
        n_tr_per_class: int = DEFAULT_N_TR,
        n_ti_per_class: int = DEFAULT_N_TI,
        n_test_per_class: int = DEFAULT_N_TEST,
        domains: Sequence[str] = DEFAULT_DOMAINS,
        tr_classes: Optional[Sequence[str]] = None,
        ti_classes: Optional[Sequence[str]] = None,
        workers: Optional[int] = None,
        name: str = 'synthetic_rgbd') -> Dict[str, Any]:
    """Render the benchmark and write it in the mmsocket data format.

    Args:
        out_dir (str): Output directory; it must be missing, empty, or hold
            a previous output of the same parameters.
        seed (int): Seed of everything. Defaults to 0.
        n_tr_per_class (int): TR samples per class and domain (source
            training + unlabeled target set). Defaults to 60.
        n_ti_per_class (int): TI pairs per TI class, pooled over domains
            (spread round-robin). Defaults to 30.
        n_test_per_class (int): Held-out TR samples per class and domain,
            rendered from scenes of their own. Defaults to 20.
        domains (Sequence[str]): Sensor domains. Defaults to
            :data:`DEFAULT_DOMAINS`.
        tr_classes (Sequence[str], optional): TR classes; defaults to
            :data:`~.scene_classes.TR_CLASSES`.
        ti_classes (Sequence[str], optional): TI classes; defaults to
            :data:`~.scene_classes.TI_CLASSES`.
        workers (int, optional): Processes; ``None`` uses up to 4 cores,
            ``0`` or ``1`` renders in this process.
        name (str): Data set name in ``meta.json``.
            Defaults to ``'synthetic_rgbd'``.

    Returns:
        dict: The contents of ``meta.json``.

    Raises:
        FileExistsError: ``out_dir`` is not empty and is not an output of
            these parameters.
        ValueError: Invalid class or domain lists.
    """
    tr = sorted(tr_classes if tr_classes is not None else TR_CLASSES)
    ti = sorted(ti_classes if ti_classes is not None else TI_CLASSES)
    domains = list(domains)
    for c in tr + ti:
        get_scene_class(c)
    for d in domains:
        get_sensor(d)
    if set(tr) & set(ti):
        raise ValueError(f'TR and TI classes overlap: {set(tr) & set(ti)}')
    if len(set(domains)) != len(domains) or not domains:
        raise ValueError(f'bad domain list {domains}')
    for n in (n_tr_per_class, n_ti_per_class, n_test_per_class):
        if int(n) < 0:
            raise ValueError('sample counts must be >= 0')

    generator = _normalise({
        'name': GENERATOR_NAME,
        'version': GENERATOR_VERSION,
        'seed': int(seed),
        'n_tr_per_class': int(n_tr_per_class),
        'n_ti_per_class': int(n_ti_per_class),
        'n_test_per_class': int(n_test_per_class),
        'domains': domains,
        'tr_classes': tr,
        'ti_classes': ti,
        'sensors': {
            d: asdict(SENSORS[d])
            for d in domains
        },
    })
    meta = {
        'name': name,
        'tr_classes': tr,
        'ti_classes': ti,
        'domains': domains,
        'modalities': list(_MODALITIES),
        'depth_unit_mm': 1,
        'depth_range_m': list(DEPTH_RANGE_M),
        'generator': generator,
    }

    out = Path(out_dir)
    old = prepare_output_dir(out, meta, 'generate_transfer_benchmark')
    if old is not None:
        return old  # already generated: nothing to do

    tasks: List[Tuple] = []
    ann: Dict[str, List[Dict[str, Any]]] = {}
    for d in domains:
        for split, n in (('tr', n_tr_per_class), ('test', n_test_per_class)):
            recs = ann.setdefault(f'{d}_{split}', [])
            for label, c in enumerate(tr):
                for i in range(n):
                    rec = _record(split, d, c, i, label)
                    recs.append(rec)
                    tasks.append((str(out), int(seed), split, d, c, i,
                                  str(Path(rec['rgb_path']).parent)))
    ti_recs = ann.setdefault('ti', [])
    for label, c in enumerate(ti):
        # Round-robin over domains, starting at a class-dependent domain so
        # the pooled set stays balanced across classes.
        offset = _key(c) % len(domains)
        for i in range(n_ti_per_class):
            d = domains[(i + offset) % len(domains)]
            rec = _record('ti', d, c, i, label)
            ti_recs.append(rec)
            tasks.append((str(out), int(seed), 'ti', d, c, i,
                          str(Path(rec['rgb_path']).parent)))

    run_tasks(_write_sample, tasks, workers)

    ann_dir = out / 'annotations'
    ann_dir.mkdir(exist_ok=True)
    for d in domains:
        recs = ann[f'{d}_tr']
        val = []
        for label in range(len(tr)):
            cls_recs = [r for r in recs if r['gt_label'] == label]
            val += cls_recs[len(cls_recs) - _n_val(len(cls_recs)):]
        val_ids = {r['sample_id'] for r in val}
        train = [r for r in recs if r['sample_id'] not in val_ids]
        for split, data in (('tr', recs), ('tr_train', train), ('tr_val', val),
                            ('tr_test', ann[f'{d}_test'])):
            _dump(
                ann_dir / f'{d}_{split}.json', {
                    'metainfo': {
                        'classes': tr,
                        'domain': d,
                        'split': split,
                        'modalities': list(_MODALITIES)
                    },
                    'data_list': data
                })
    _dump(
        ann_dir / 'ti.json', {
            'metainfo': {
                'classes': ti,
                'domain': 'all',
                'domains': domains,
                'split': 'ti',
                'modalities': list(_MODALITIES)
            },
            'data_list': ti_recs
        })
    # meta.json last: its presence marks a complete output.
    return finish_output_dir(out, meta)


def summarize(out_dir: str) -> Dict[str, Dict[str, int]]:
    """Count the records of every annotation file of a generated set.

    Args:
        out_dir (str): A benchmark directory.

    Returns:
        dict: ``{domain: {split: count}}`` plus ``{'ti': {domain: count}}``.
    """
    out = Path(out_dir)
    meta = json.loads((out / 'meta.json').read_text(encoding='utf-8'))
    counts: Dict[str, Dict[str, int]] = {}
    for d in meta['domains']:
        counts[d] = {}
        for split in ('tr', 'tr_train', 'tr_val', 'tr_test'):
            f = out / 'annotations' / f'{d}_{split}.json'
            data = json.loads(f.read_text(encoding='utf-8'))
            counts[d][split] = len(data['data_list'])
    ti = json.loads(
        (out / 'annotations' / 'ti.json').read_text(encoding='utf-8'))
    counts['ti'] = {d: 0 for d in meta['domains']}
    for r in ti['data_list']:
        counts['ti'][r['sample_id'].split('/')[0]] += 1
    return counts
