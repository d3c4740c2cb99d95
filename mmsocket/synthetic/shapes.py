# Copyright (c) mmsocket contributors. All rights reserved.
"""Shapes RGB-D: a second paired RGB / depth set, in the layout users bring.

The transfer benchmark's scene classes differ in layout *and* appearance, so
RGB and depth both carry most of the class. Here the two modalities carry
it differently, by construction:

* **geometry classes** (``sphere``, ``cylinder``, ``cube``, ``slab``): one
  object whose colour is drawn from the same palette for every class; the
  shape is the class, visible in RGB and in depth;
* **colour classes** (``red_pillar``, ``green_pillar``, ...): the same
  pillar geometry for every class, drawn from one shared distribution; the
  colour is the class, which depth cannot see. The scene of sample ``i``
  of one colour class and of another differs only in the pillar's albedo
  (the sensor noise is each sample's own), so a depth model can at best
  tell "a pillar" from the geometry classes.

With 4 + 4 task-relevant classes, a perfect depth classifier therefore
reaches at most (4 + 1) / 8 = 62.5 % (all geometry classes right, one in
four pillars). The task-irrelevant pairs follow the same split with other
shapes and colours.

The output is not our converted format but what a user has: folders of
paired images named by class, ``<out>/task_relevant/{rgb,depth}/<class>/
<name>.png`` and ``<out>/task_irrelevant/...`` (16-bit millimetre depth),
plus a ``meta.json`` describing how it was made. Convert it like any user
data, with the paired-folder converter.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import cv2
import numpy as np

from .generation import (finish_output_dir, prepare_output_dir, run_tasks,
                         stable_key)
from .renderer import render
from .scene import (Box, Camera, Cylinder, Material, PointLight, Room, Scene,
                    SceneObject, Sphere)
from .sensors import get_sensor

__all__ = [
    'SHAPES_TR_CLASSES', 'SHAPES_TI_CLASSES', 'COLOUR_CLASSES',
    'sample_shapes_scene', 'render_shapes_sample', 'generate_shapes_rgbd',
    'summarize_shapes'
]

GENERATOR_NAME = 'mmsocket.synthetic.shapes'
GENERATOR_VERSION = 1

#: Pillar colours (linear RGB albedo); the colour classes' names.
PILLAR_COLOURS = {
    'red': (0.75, 0.08, 0.06),
    'green': (0.08, 0.55, 0.12),
    'blue': (0.07, 0.15, 0.7),
    'yellow': (0.8, 0.7, 0.05),
    'orange': (0.85, 0.35, 0.03),
    'purple': (0.4, 0.08, 0.55),
    'cyan': (0.05, 0.6, 0.65),
    'white': (0.85, 0.85, 0.82),
}
#: Geometry classes draw their colour from every pillar colour, so colour
#: says nothing about them.
_ANY_COLOUR = tuple(PILLAR_COLOURS.values())

SHAPES_TR_CLASSES = ('blue_pillar', 'cube', 'cylinder', 'green_pillar',
                     'red_pillar', 'slab', 'sphere', 'yellow_pillar')
SHAPES_TI_CLASSES = ('cyan_pillar', 'orange_pillar', 'purple_pillar',
                     'sphere_on_cube', 'stack', 'tall_cylinder', 'two_spheres',
                     'white_pillar')
COLOUR_CLASSES = tuple(c for c in SHAPES_TR_CLASSES + SHAPES_TI_CLASSES
                       if c.endswith('_pillar'))

_SPLITS = {'task_relevant': 0, 'task_irrelevant': 1}
_PNG = [cv2.IMWRITE_PNG_COMPRESSION, 3]
# The object stands on the floor around this point, in front of the camera.
_SPOT = (2.0, 2.4)


def _material(rng: np.random.Generator, albedo) -> Material:
    jitter = rng.uniform(0.9, 1.1, 3)
    return Material(
        tuple(float(a) for a in np.clip(np.asarray(albedo) * jitter, 0, 1)),
        nir=float(rng.uniform(0.3, 0.7)))


def _object_parts(cls: str, rng: np.random.Generator, x: float, z: float,
                  yaw: float) -> List[Any]:
    """The primitives of one sample's object, standing at ``(x, z)``."""
    if cls.endswith('_pillar'):
        # Every colour class draws the same numbers in the same order: the
        # geometry is independent of the class.
        w, h = rng.uniform(0.25, 0.35), rng.uniform(0.75, 0.95)
        mat = _material(rng, PILLAR_COLOURS[cls[:-len('_pillar')]])
        return [Box((x, h / 2, z), (w, h, w), mat, yaw)]
    mat = _material(rng, _ANY_COLOUR[rng.integers(len(_ANY_COLOUR))])
    s = rng.uniform(0.85, 1.15)
    if cls == 'sphere':
        r = 0.28 * s
        return [Sphere((x, r, z), r, mat)]
    if cls == 'cylinder':
        return [Cylinder((x, z), (0.0, 0.55 * s), 0.22 * s, mat)]
    if cls == 'cube':
        a = 0.45 * s
        return [Box((x, a / 2, z), (a, a, a), mat, yaw)]
    if cls == 'slab':
        return [Box((x, 0.09 * s, z), (0.8 * s, 0.18 * s, 0.5 * s), mat, yaw)]
    if cls == 'tall_cylinder':
        return [Cylinder((x, z), (0.0, 1.1 * s), 0.12 * s, mat)]
    if cls == 'two_spheres':
        r = 0.2 * s
        return [
            Sphere((x - 0.28, r, z), r, mat),
            Sphere((x + 0.28, r, z + 0.05), r, mat)
        ]
    if cls == 'sphere_on_cube':
        a, r = 0.4 * s, 0.17 * s
        return [
            Box((x, a / 2, z), (a, a, a), mat, yaw),
            Sphere((x, a + r, z), r, mat)
        ]
    if cls == 'stack':
        return [
            Box((x, 0.1 * s, z), (0.6 * s, 0.2 * s, 0.45 * s), mat, yaw),
            Box((x, 0.3 * s, z), (0.42 * s, 0.2 * s, 0.32 * s), mat, yaw),
            Box((x, 0.5 * s, z), (0.26 * s, 0.2 * s, 0.2 * s), mat, yaw)
        ]
    raise ValueError(f'unknown Shapes RGB-D class {cls!r}; expected one of '
                     f'{sorted(SHAPES_TR_CLASSES + SHAPES_TI_CLASSES)}')


def sample_shapes_scene(cls: str, rng: np.random.Generator, width: int,
                        height: int, hfov: float) -> Tuple[Scene, Camera]:
    """A room with one object of class ``cls`` and a camera looking at it.

    The room, lights, camera and object pose are drawn first, in the same
    order for every class; the object's own draws come last.
    """
    grey = rng.uniform(0.35, 0.7)
    tint = rng.uniform(0.9, 1.1, 3) * grey
    wall = Material(tuple(float(t) for t in tint), nir=0.5)
    floor = Material(
        tuple(float(t) for t in rng.uniform(0.2, 0.45, 3)),
        nir=0.4,
        texture='noise',
        texture_contrast=0.2,
        seed=int(rng.integers(1 << 16)))
    room = Room((4.0, 2.6, 5.0), floor, Material((0.8, 0.8, 0.8)), wall)
    light = PointLight(
        (float(rng.uniform(1.0, 3.0)), 2.4, float(rng.uniform(1.0, 3.5))),
        color=tuple(float(c) for c in rng.uniform(0.8, 1.2, 3)))
    x = _SPOT[0] + float(rng.uniform(-0.3, 0.3))
    z = _SPOT[1] + float(rng.uniform(-0.3, 0.3))
    yaw = float(rng.uniform(0, 90))
    camera = Camera(
        width,
        height,
        hfov,
        position=(_SPOT[0] + float(rng.uniform(-0.15, 0.15)),
                  float(rng.uniform(1.0, 1.3)), 0.6),
        yaw=float(rng.uniform(-5, 5)),
        pitch=float(rng.uniform(-24, -18)))
    obj = SceneObject(_object_parts(cls, rng, x, z, yaw), semantic=10)
    return Scene(room, [obj], [light], ambient=(0.3, 0.3, 0.3)), camera


def _sample_seeds(
        seed: int, split: str, cls: str,
        index: int) -> Tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """Seeds of one sample's scene and of its sensor noise.

    Colour classes share their scene stream (sample ``i`` of red_pillar
    and of blue_pillar is the same scene in another colour); the sensor
    noise is every sample's own.
    """
    key = 'pillar' if cls.endswith('_pillar') else cls
    scene = np.random.SeedSequence(
        [int(seed), _SPLITS[split],
         stable_key(key),
         int(index)])
    noise = np.random.SeedSequence(
        [int(seed), _SPLITS[split],
         stable_key(cls),
         int(index), 1])
    return scene, noise


def render_shapes_sample(cls: str,
                         seeds: Tuple[np.random.SeedSequence,
                                      np.random.SeedSequence],
                         sensor: str = 'kv1') -> Dict[str, np.ndarray]:
    """Render one sample: ``rgb`` (H, W, 3) uint8 RGB and ``depth`` (H, W)
    uint16 millimetres as the sensor model captures them.

    Args:
        cls (str): The class.
        seeds (tuple): Scene and sensor-noise seeds.
        sensor (str): Sensor model name. Defaults to ``'kv1'``.
    """
    cam = get_sensor(sensor)
    scene_seed, noise_seed = seeds
    scene, camera = sample_shapes_scene(cls, np.random.default_rng(scene_seed),
                                        cam.width, cam.height, cam.hfov)
    return cam.capture(
        render(scene, camera), np.random.default_rng(noise_seed))


def _write(task: Tuple[str, int, str, str, int, str]) -> None:
    out, seed, split, cls, index, sensor = task
    maps = render_shapes_sample(cls, _sample_seeds(seed, split, cls, index),
                                sensor)
    for modality, img in (('rgb', maps['rgb'][..., ::-1]), ('depth',
                                                            maps['depth'])):
        d = Path(out) / split / modality / cls
        d.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(d / f'{index:04d}.png'), img, _PNG)


def generate_shapes_rgbd(out_dir: str,
                         seed: int = 0,
                         n_tr_per_class: int = 60,
                         n_ti_per_class: int = 40,
                         sensor: str = 'kv1',
                         workers: Optional[int] = None) -> Dict[str, Any]:
    """Render Shapes RGB-D into ``out_dir`` in the paired-folder layout.

    Args:
        out_dir (str): Output directory; missing, empty, or holding an
            earlier output of the same parameters (then nothing is done).
        seed (int): Seed of everything. Defaults to 0.
        n_tr_per_class (int): Task-relevant samples per class (source
            training and unlabeled target set). Defaults to 60.
        n_ti_per_class (int): Task-irrelevant pairs per class.
            Defaults to 40.
        sensor (str): The sensor model that captures RGB and depth (see
            :mod:`.sensors`). Defaults to ``'kv1'``.
        workers (int, optional): Processes; ``None`` uses up to 4 cores,
            ``0`` or ``1`` renders in this process.

    Returns:
        dict: The contents of ``meta.json``.
    """
    if n_tr_per_class < 1 or n_ti_per_class < 1:
        raise ValueError('Shapes RGB-D needs at least one sample per class')
    depth_range = list(get_sensor(sensor).depth_range)
    meta = dict(
        name='shapes_rgbd',
        generator=dict(
            name=GENERATOR_NAME,
            version=GENERATOR_VERSION,
            seed=int(seed),
            n_tr_per_class=int(n_tr_per_class),
            n_ti_per_class=int(n_ti_per_class),
            sensor=sensor),
        layout='<split>/<modality>/<class>/<name>.png',
        splits=dict(
            task_relevant=list(SHAPES_TR_CLASSES),
            task_irrelevant=list(SHAPES_TI_CLASSES)),
        modalities=['rgb', 'depth'],
        depth_unit='mm',
        depth_range_m=depth_range,
        colour_classes=list(COLOUR_CLASSES),
        depth_ceiling=(4 + 1) / 8)
    out = Path(out_dir)
    done = prepare_output_dir(out, meta, 'generate_shapes_rgbd')
    if done is not None:
        return done
    tasks = [(str(out), int(seed), 'task_relevant', c, i, sensor)
             for c in SHAPES_TR_CLASSES for i in range(n_tr_per_class)]
    tasks += [(str(out), int(seed), 'task_irrelevant', c, i, sensor)
              for c in SHAPES_TI_CLASSES for i in range(n_ti_per_class)]
    run_tasks(_write, tasks, workers)
    return finish_output_dir(out, meta)


def _class_sizes(root: Path, split: str) -> Dict[str, int]:
    return {
        p.name: len(list(p.glob('*.png')))
        for p in sorted((root / split / 'rgb').iterdir())
    }


def summarize_shapes(out_dir: str) -> Dict[str, Dict[str, int]]:
    """Images per class of each split (RGB side), for a quick look."""
    root = Path(out_dir)
    return {s: _class_sizes(root, s) for s in _SPLITS}
