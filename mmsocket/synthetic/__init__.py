# Copyright (c) mmsocket contributors. All rights reserved.
"""Offline generators of synthetic multi-modal data (numpy + OpenCV only).

Nothing at training time imports this package: it writes data roots that
:mod:`mmsocket.datasets` reads.

* :mod:`.scene` -- the scene description (materials, shapes, objects,
  room, lights) and the pinhole camera;
* :mod:`.renderer` -- a vectorised ray caster (:mod:`.intersect`,
  :mod:`.textures`) that outputs aligned RGB, depth, NIR, semantic and
  instance maps;
* :mod:`.scene_classes` -- indoor scene classes (layout + appearance),
  read from the catalogue (:mod:`.catalogue`: scene classes, palettes and
  object classes as data tables) and built from :mod:`.palettes`,
  :mod:`.builders` (procedural objects) and :mod:`.layout` (placement);
* :mod:`.sensors` -- the kv1 / kv2 / realsense / xtion sensor models;
* :mod:`.transfer_benchmark` -- writes the cross-modal transfer benchmark
  in the mmsocket on-disk format;
* :mod:`.depth_domains` -- the real / simulated domain pair of the
  data-free depth distillation benchmark;
* :mod:`.generation` -- output-directory, JSON and worker-pool plumbing
  shared by the generators; :mod:`.cli` -- their shared command line.
"""
from .catalogue import OBJECT_CLASSES
from .depth_domains import (DEPTH_DOMAIN_STYLES, DepthDomainStyle,
                            generate_depth_domains, render_depth_sample)
from .palettes import PALETTES, Palette
from .renderer import render
from .scene import (TEXTURES, Box, Camera, Cylinder, Material, PointLight,
                    Room, Scene, SceneObject, Sphere)
from .scene_classes import (SCENE_CLASSES, TI_CLASSES, TR_CLASSES, ObjectSpec,
                            SceneClass, get_scene_class)
from .sensors import SENSORS, SensorModel, get_sensor
from .transfer_benchmark import (DEFAULT_DOMAINS, DEPTH_RANGE_M,
                                 GENERATOR_VERSION,
                                 generate_transfer_benchmark, render_sample,
                                 sample_seed, summarize)

__all__ = [
    'TEXTURES', 'Box', 'Camera', 'Cylinder', 'Material', 'PointLight', 'Room',
    'Scene', 'SceneObject', 'Sphere', 'render', 'OBJECT_CLASSES', 'PALETTES',
    'SCENE_CLASSES', 'TI_CLASSES', 'TR_CLASSES', 'ObjectSpec', 'Palette',
    'SceneClass', 'get_scene_class', 'SENSORS', 'SensorModel', 'get_sensor',
    'DEFAULT_DOMAINS', 'DEPTH_RANGE_M', 'GENERATOR_VERSION',
    'generate_transfer_benchmark', 'render_sample', 'sample_seed', 'summarize',
    'DEPTH_DOMAIN_STYLES', 'DepthDomainStyle', 'generate_depth_domains',
    'render_depth_sample'
]
