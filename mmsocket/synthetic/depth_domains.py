# Copyright (c) mmsocket contributors. All rights reserved.
"""Two visibly different domains for data-free depth distillation.

The paper (Hu et al., "Data-free dense depth distillation") trains a depth
teacher on real images (NYU-v2) and distils it with out-of-distribution
*simulated* images (SceneNet RGB-D) that come with semantic maps. This
module renders a CPU-scale stand-in for that pair with the scene renderer
the transfer benchmark uses (same scene classes, same ray caster):

* **real** -- the scene classes' own materials with their textures
  strengthened plus a faint surface noise, shadows, the class's lighting and
  a camera-like colour path (white balance, blur, colour noise, vignetting,
  JPEG); dense, clean ground-truth depth in millimetres. Train and test
  splits (teacher training and evaluation). The camera sits on a rig of
  nearly fixed height (1.35-1.45 m) and tilt (10-12 deg down), as a data set
  recorded with one mounted sensor is: where the floor meets the walls then
  tells the distance, a cue a CPU-scale teacher can learn from 3000 images
  (with the scene classes' free hand-held poses it learnt little beyond the
  mean room layout, docs/dfdd_data.md).
* **sim** -- the same kinds of rooms seen from freer viewpoints, every
  material replaced by a flat, saturated random colour (a quarter of them
  with a coarse checker of two random colours), no shadows, tinted lights
  and strong ambient light, a synthetic-looking colour path (no blur or
  JPEG, uniform noise and posterisation). Semantic (object class) and
  instance maps are written for object-wise mixing.

On disk (paths relative to the output directory)::

    meta.json
    real/{train,test}/{rgb,depth,semantic,instance}/<index>.png
    sim/train/{rgb,depth,semantic,instance}/<index>.png
    annotations/real_train.json, real_test.json, sim.json

``rgb`` is an 8-bit colour PNG (stored BGR, as OpenCV writes and reads it),
``depth`` 16-bit millimetres (0 = invalid: beyond ``max_depth``),
``semantic`` 16-bit ids into :data:`~.catalogue.OBJECT_CLASSES`,
``instance`` 16-bit instance ids (0 = the room). The annotation files use
the format of :class:`~mmsocket.datasets.DepthDataset`
(``docs/dfdd_data.md``). The simulated set carries ``depth_path`` too, for
diagnostics only; a data-free pipeline simply never loads it.

Every sample draws its randomness from ``(seed, domain, split, index)``, so
the output is byte-identical for a seed whatever the number of workers.
"""
import colorsys
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .catalogue import OBJECT_CLASSES
from .generation import (PNG_PARAMS, dump_json, finish_output_dir,
                         normalise_json, prepare_output_dir, run_tasks,
                         stable_key)
from .renderer import render
from .scene import Material, Scene
from .scene_classes import SCENE_CLASSES, get_scene_class
from .sensors import SensorModel

__all__ = [
    'DepthDomainStyle', 'DEPTH_DOMAIN_STYLES', 'DEPTH_DOMAINS_VERSION',
    'DEFAULT_DEPTH_SIZE', 'depth_sample_seed', 'render_depth_sample',
    'generate_depth_domains'
]

#: Bump whenever the output for given parameters changes.
DEPTH_DOMAINS_VERSION = 2
#: The generator's name in ``meta.json``, kept from the module's former
#: path so earlier outputs still match (see ``transfer_benchmark``).
DEPTH_DOMAINS_NAME = 'mmsocket.datasets.synthetic.depth_domains'
#: Default image size (W, H): 4:3 like NYU-v2 and SceneNet.
DEFAULT_DEPTH_SIZE: Tuple[int, int] = (80, 60)
_SPLITS = {'train': 1, 'test': 2}


@dataclass(frozen=True)
class DepthDomainStyle:
    """How one domain looks.

    Args:
        name (str): Domain name (``'real'`` or ``'sim'``).
        camera (SensorModel): Colour path (only its RGB parameters are used;
            the image size comes from the generator).
        hfov (float): Horizontal field of view in degrees.
        flat_materials (bool): Replace every material with a flat random
            colour (simulator look) instead of keeping the class palettes.
        checker_prob (float): With ``flat_materials``, probability that a
            replaced material gets a coarse two-colour checker.
        texture_gain (float): Multiplier of the palettes' texture contrast
            (real look; the scene classes damp textures for the transfer
            benchmark).
        surface_noise (float): Contrast of a faint noise texture added to
            untextured real materials (paint is never perfectly even).
        shadows (bool): Cast shadow rays.
        light_tint (float): Maximum saturation of a random light colour.
        light_scale (tuple[float]): Range of the light intensity factor.
        ambient (tuple[float], optional): Range of the ambient level
            (replaces the class's); None keeps it.
        camera_height (tuple[float], optional): Camera height range
            replacing the class's. Defaults to None.
        camera_pitch (tuple[float], optional): Pitch range (deg) replacing
            the class's. Defaults to None.
        uniform_noise (float): Amplitude of uniform per-pixel noise in
            8-bit levels, added after the colour path.
        posterize (int): Number of levels per channel after the colour path
            (0 = none); simulators' banding.
    """
    name: str
    camera: SensorModel
    hfov: float
    flat_materials: bool = False
    checker_prob: float = 0.0
    texture_gain: float = 1.0
    surface_noise: float = 0.0
    shadows: bool = True
    light_tint: float = 0.0
    light_scale: Tuple[float, float] = (1.0, 1.0)
    ambient: Optional[Tuple[float, float]] = None
    camera_height: Optional[Tuple[float, float]] = None
    camera_pitch: Optional[Tuple[float, float]] = None
    uniform_noise: float = 0.0
    posterize: int = 0


def _rgb_camera(name: str, **kwargs) -> SensorModel:
    # Depth parameters are irrelevant: only capture_rgb is used.
    return SensorModel(name, 80, 60, 60.0, (0.0, 10.0), 'tof', **kwargs)


#: The two domains of the depth-distillation benchmark.
DEPTH_DOMAIN_STYLES: Dict[str, DepthDomainStyle] = {
    'real':
    DepthDomainStyle(
        'real',
        _rgb_camera(
            'real_rgb',
            rgb_exposure=0.9,
            auto_exposure=0.6,
            white_balance=(1.04, 1.0, 0.93),
            gamma=2.2,
            contrast=0.15,
            saturation=0.95,
            rgb_noise=0.02,
            blur=0.5,
            vignette=0.2,
            jpeg_quality=85),
        hfov=58.0,
        texture_gain=1.8,
        surface_noise=0.12,
        shadows=True,
        camera_height=(1.35, 1.45),
        camera_pitch=(-12.0, -10.0)),
    'sim':
    DepthDomainStyle(
        'sim',
        _rgb_camera(
            'sim_rgb',
            rgb_exposure=1.0,
            auto_exposure=1.0,
            gamma=1.7,
            contrast=0.0,
            saturation=1.3),
        hfov=60.0,
        flat_materials=True,
        checker_prob=0.25,
        shadows=False,
        light_tint=0.35,
        light_scale=(0.5, 0.9),
        ambient=(0.3, 0.5),
        camera_height=(0.7, 2.0),
        camera_pitch=(-28.0, 8.0),
        uniform_noise=6.0,
        posterize=24),
}


def depth_sample_seed(seed: int, domain: str, split: str,
                      index: int) -> np.random.SeedSequence:
    """The seed sequence of one sample.

    Args:
        seed (int): Data set seed.
        domain (str): ``'real'`` or ``'sim'``.
        split (str): ``'train'`` or ``'test'``.
        index (int): Sample index within (domain, split).

    Returns:
        np.random.SeedSequence: Independent of every other sample's and of
        the transfer benchmark's.
    """
    return np.random.SeedSequence([
        int(seed),
        stable_key('depth_domains'),
        stable_key(domain), _SPLITS[split],
        int(index)
    ])


def _srgb_to_linear(rgb) -> Tuple[float, float, float]:
    return tuple(float(c)**2.2 for c in rgb)


def _flat_material(old: Material, rng: np.random.Generator,
                   checker_prob: float) -> Material:
    """A simulator-style replacement: flat saturated colour, same NIR."""

    def color():
        return _srgb_to_linear(
            colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.3, 0.9),
                                rng.uniform(0.35, 0.95)))

    albedo = color()
    if rng.random() < checker_prob:
        return Material(
            albedo,
            old.nir,
            texture='checker',
            texture_scale=float(rng.uniform(0.3, 0.8)),
            texture_contrast=1.0,
            albedo2=color(),
            emission=old.emission)
    return Material(albedo, old.nir, emission=old.emission)


def _real_material(old: Material, rng: np.random.Generator,
                   style: DepthDomainStyle) -> Material:
    """Stronger textures; faint noise on plain paint."""
    if old.texture == 'none':
        return dataclasses.replace(
            old,
            texture='noise',
            texture_contrast=style.surface_noise,
            texture_scale=float(rng.uniform(0.1, 0.4)),
            seed=int(rng.integers(1 << 30)))
    return dataclasses.replace(
        old,
        texture_contrast=min(0.9, old.texture_contrast * style.texture_gain))


def _restyle(scene: Scene, style: DepthDomainStyle,
             rng: np.random.Generator) -> None:
    """Apply a domain's materials and lighting to a sampled scene."""
    new: Dict[int, Material] = {}

    def swap(mat: Material) -> Material:
        # Parts sharing a material keep sharing its replacement.
        if id(mat) not in new:
            if style.flat_materials:
                new[id(mat)] = _flat_material(mat, rng, style.checker_prob)
            else:
                new[id(mat)] = _real_material(mat, rng, style)
        return new[id(mat)]

    room = scene.room
    room.floor = swap(room.floor)
    room.ceiling = swap(room.ceiling)
    room.walls = [swap(m) for m in room.wall_materials()]
    for obj in scene.objects:
        for part in obj.parts:
            part.material = swap(part.material)
    for light in scene.lights:
        tint = np.array(
            colorsys.hsv_to_rgb(rng.random(),
                                rng.uniform(0.0, style.light_tint), 1.0))
        scale = rng.uniform(*style.light_scale)
        light.color = tuple(
            float(c) for c in np.asarray(light.color) * tint * scale)
    if style.ambient is not None:
        amb = rng.uniform(*style.ambient)
        tint = np.array(
            colorsys.hsv_to_rgb(rng.random(),
                                rng.uniform(0.0, style.light_tint), 1.0))
        scene.ambient = tuple(float(c) for c in amb * tint)


def render_depth_sample(
        style: DepthDomainStyle,
        seed: np.random.SeedSequence,
        size: Tuple[int, int] = DEFAULT_DEPTH_SIZE,
        max_depth: float = 10.0,
        classes: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    """Render one sample of a domain.

    Args:
        style (DepthDomainStyle): The domain.
        seed (np.random.SeedSequence): The sample's seed.
        size (tuple[int]): ``(W, H)``. Defaults to (80, 60).
        max_depth (float): Depth beyond this (m) is written as 0 (invalid).
            Defaults to 10, NYU-v2's cap.
        classes (Sequence[str], optional): Scene classes to draw from;
            defaults to every class of the renderer.

    Returns:
        dict[str, np.ndarray]: ``rgb`` uint8 (H, W, 3) RGB, ``depth``
        uint16 mm, ``semantic`` and ``instance`` uint16 (H, W).
    """
    names = sorted(classes if classes is not None else SCENE_CLASSES)
    # The children spawn() would give on its first call, without spawn()'s
    # side effect: rendering the same seed twice gives the same sample.
    scene_seed, style_seed, noise_seed = (
        np.random.SeedSequence(
            seed.entropy,
            spawn_key=tuple(seed.spawn_key) + (k, ),
            pool_size=seed.pool_size) for k in range(3))
    rng = np.random.default_rng(scene_seed)
    cls = get_scene_class(names[rng.integers(len(names))])
    overrides = {}
    if style.camera_height is not None:
        overrides['camera_height'] = tuple(style.camera_height)
    if style.camera_pitch is not None:
        overrides['camera_pitch'] = tuple(style.camera_pitch)
    if overrides:
        cls = dataclasses.replace(cls, **overrides)
    w, h = int(size[0]), int(size[1])
    scene, camera = cls.sample(rng, w, h, style.hfov)
    _restyle(scene, style, np.random.default_rng(style_seed))
    maps = render(scene, camera, shadows=style.shadows)

    noise_rng = np.random.default_rng(noise_seed)
    rgb = style.camera.capture_rgb(maps['rgb'], noise_rng)
    if style.uniform_noise > 0 or style.posterize > 0:
        x = rgb.astype(np.float64)
        if style.uniform_noise > 0:
            x += noise_rng.uniform(-style.uniform_noise, style.uniform_noise,
                                   x.shape)
        if style.posterize > 0:
            step = 255.0 / (style.posterize - 1)
            x = np.round(x / step) * step
        rgb = np.clip(np.round(x), 0, 255).astype(np.uint8)

    z = maps['depth'].astype(np.float64)
    mm = np.where(z <= max_depth, np.round(z * 1000.0), 0)
    return {
        'rgb': rgb,
        'depth': np.clip(mm, 0, 65535).astype(np.uint16),
        'semantic': maps['semantic'],
        'instance': maps['instance'],
    }


_MAPS = ('rgb', 'depth', 'semantic', 'instance')
_KEYS = {
    'rgb': 'img_path',
    'depth': 'depth_path',
    'semantic': 'sem_path',
    'instance': 'inst_path'
}


def _rel(domain: str, split: str, kind: str, index: int) -> str:
    return f'{domain}/{split}/{kind}/{index:06d}.png'


def _write_sample(task: Tuple) -> None:
    out_dir, seed, domain, split, index, size, max_depth = task
    maps = render_depth_sample(DEPTH_DOMAIN_STYLES[domain],
                               depth_sample_seed(seed, domain, split, index),
                               tuple(size), max_depth)
    maps['rgb'] = maps['rgb'][..., ::-1]  # stored BGR, as cv2 reads it
    for kind in _MAPS:
        path = Path(out_dir) / _rel(domain, split, kind, index)
        if not cv2.imwrite(str(path), maps[kind], PNG_PARAMS):
            raise OSError(f'cannot write {path}')


def generate_depth_domains(out_dir: str,
                           seed: int = 0,
                           n_real_train: int = 3000,
                           n_real_test: int = 150,
                           n_sim: int = 1000,
                           size: Sequence[int] = DEFAULT_DEPTH_SIZE,
                           max_depth: float = 10.0,
                           workers: Optional[int] = None,
                           name: str = 'synthetic_depth') -> Dict[str, Any]:
    """Render the real and simulated domains and their annotation files.

    Args:
        out_dir (str): Output directory; it must be missing, empty, or hold
            a previous output of the same parameters (then nothing is done).
        seed (int): Seed of everything. Defaults to 0.
        n_real_train (int): Real training samples. Defaults to 3000.
        n_real_test (int): Real test samples. Defaults to 150.
        n_sim (int): Simulated samples. Defaults to 1000.
        size (Sequence[int]): Image size ``(W, H)``. Defaults to (80, 60).
        max_depth (float): Depth cap in metres (farther = 0). Defaults to 10.
        workers (int, optional): Processes; ``None`` uses up to 4 cores,
            ``0`` or ``1`` renders in this process.
        name (str): Data set name in ``meta.json``.

    Returns:
        dict: The contents of ``meta.json``.

    Raises:
        FileExistsError: ``out_dir`` holds something else.
        ValueError: Negative counts or a bad size.
    """
    counts = {
        ('real', 'train'): int(n_real_train),
        ('real', 'test'): int(n_real_test),
        ('sim', 'train'): int(n_sim)
    }
    if min(counts.values()) < 0:
        raise ValueError(f'sample counts must be >= 0, got {counts}')
    size = [int(s) for s in size]
    if len(size) != 2 or min(size) < 8:
        raise ValueError(f'size must be (W, H) with both >= 8, got {size}')
    if not max_depth > 0:
        raise ValueError(f'max_depth must be > 0, got {max_depth}')

    classes = list(OBJECT_CLASSES)
    generator = normalise_json({
        'name': DEPTH_DOMAINS_NAME,
        'version': DEPTH_DOMAINS_VERSION,
        'seed': int(seed),
        'n_real_train': counts['real', 'train'],
        'n_real_test': counts['real', 'test'],
        'n_sim': counts['sim', 'train'],
        'size': size,
        'max_depth': float(max_depth),
        'styles': {
            k: dataclasses.asdict(v)
            for k, v in DEPTH_DOMAIN_STYLES.items()
        },
    })
    meta = {
        'name': name,
        'domains': ['real', 'sim'],
        'annotations': {
            'real_train': 'annotations/real_train.json',
            'real_test': 'annotations/real_test.json',
            'sim': 'annotations/sim.json'
        },
        'depth_scale': 1000,
        'semantic_classes': classes,
        'generator': generator,
    }
    out = Path(out_dir)
    old = prepare_output_dir(out, meta, 'generate_depth_domains')
    if old is not None:
        return old

    tasks: List[Tuple] = []
    ann: Dict[str, List[Dict[str, Any]]] = {}
    for (domain, split), n in counts.items():
        for kind in _MAPS:
            (out / domain / split / kind).mkdir(parents=True, exist_ok=True)
        key = 'sim' if domain == 'sim' else f'{domain}_{split}'
        recs = ann.setdefault(key, [])
        for i in range(n):
            rec = {'sample_id': f'{domain}/{split}/{i:06d}'}
            for kind in _MAPS:
                rec[_KEYS[kind]] = _rel(domain, split, kind, i)
            recs.append(rec)
            tasks.append((str(out), int(seed), domain, split, i, size,
                          float(max_depth)))
    run_tasks(_write_sample, tasks, workers)

    ann_dir = out / 'annotations'
    ann_dir.mkdir(exist_ok=True)
    for key, recs in ann.items():
        domain, _, split = key.partition('_')
        dump_json(
            ann_dir / f'{key}.json', {
                'metainfo': {
                    'dataset': name,
                    'domain': domain,
                    'split': split or 'train',
                    'depth_scale': 1000,
                    'max_depth': float(max_depth),
                    'semantic_classes': classes,
                },
                'data_list': recs
            })
    return finish_output_dir(out, meta)
