# Copyright (c) mmsocket contributors. All rights reserved.
"""Registries of mmsocket.

Every registry is a child of mmpretrain's (which are children of mmengine's
roots), so a config in the ``mmsocket`` scope can name our parts and
mmpretrain's (``ResNet``, ``PackInputs``, ``Accuracy``) by bare ``type=``.
``locations`` imports our package lazily on the first look-up, so building
from a config works without importing anything by hand.
"""
from mmengine.registry import Registry
from mmpretrain.registry import DATA_SAMPLERS as PRETRAIN_DATA_SAMPLERS
from mmpretrain.registry import DATASETS as PRETRAIN_DATASETS
from mmpretrain.registry import EVALUATORS as PRETRAIN_EVALUATORS
from mmpretrain.registry import HOOKS as PRETRAIN_HOOKS
from mmpretrain.registry import LOG_PROCESSORS as PRETRAIN_LOG_PROCESSORS
from mmpretrain.registry import LOOPS as PRETRAIN_LOOPS
from mmpretrain.registry import METRICS as PRETRAIN_METRICS
from mmpretrain.registry import MODEL_WRAPPERS as PRETRAIN_MODEL_WRAPPERS
from mmpretrain.registry import MODELS as PRETRAIN_MODELS
from mmpretrain.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as PRETRAIN_OPTIM_WRAPPER_CONSTRUCTORS
from mmpretrain.registry import OPTIM_WRAPPERS as PRETRAIN_OPTIM_WRAPPERS
from mmpretrain.registry import OPTIMIZERS as PRETRAIN_OPTIMIZERS
from mmpretrain.registry import PARAM_SCHEDULERS as PRETRAIN_PARAM_SCHEDULERS
from mmpretrain.registry import RUNNERS as PRETRAIN_RUNNERS
from mmpretrain.registry import TASK_UTILS as PRETRAIN_TASK_UTILS
from mmpretrain.registry import TRANSFORMS as PRETRAIN_TRANSFORMS
from mmpretrain.registry import VISBACKENDS as PRETRAIN_VISBACKENDS
from mmpretrain.registry import VISUALIZERS as PRETRAIN_VISUALIZERS
from mmpretrain.registry import \
    WEIGHT_INITIALIZERS as PRETRAIN_WEIGHT_INITIALIZERS

__all__ = [
    'RUNNERS', 'LOOPS', 'HOOKS', 'LOG_PROCESSORS', 'OPTIMIZERS',
    'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS',
    'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS', 'MODEL_WRAPPERS',
    'METRICS', 'EVALUATORS', 'VISUALIZERS', 'VISBACKENDS',
    'WEIGHT_INITIALIZERS', 'TASK_UTILS'
]

RUNNERS = Registry(
    'runner', parent=PRETRAIN_RUNNERS, locations=['mmsocket.engine'])
LOOPS = Registry('loop', parent=PRETRAIN_LOOPS, locations=['mmsocket.engine'])
HOOKS = Registry('hook', parent=PRETRAIN_HOOKS, locations=['mmsocket.engine'])
LOG_PROCESSORS = Registry(
    'log processor',
    parent=PRETRAIN_LOG_PROCESSORS,
    locations=['mmsocket.engine'])
OPTIMIZERS = Registry(
    'optimizer', parent=PRETRAIN_OPTIMIZERS, locations=['mmsocket.engine'])
OPTIM_WRAPPERS = Registry(
    'optim_wrapper',
    parent=PRETRAIN_OPTIM_WRAPPERS,
    locations=['mmsocket.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=PRETRAIN_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['mmsocket.engine'])
PARAM_SCHEDULERS = Registry(
    'parameter scheduler',
    parent=PRETRAIN_PARAM_SCHEDULERS,
    locations=['mmsocket.engine'])
DATASETS = Registry(
    'dataset', parent=PRETRAIN_DATASETS, locations=['mmsocket.datasets'])
DATA_SAMPLERS = Registry(
    'data sampler',
    parent=PRETRAIN_DATA_SAMPLERS,
    locations=['mmsocket.datasets'])
TRANSFORMS = Registry(
    'transform', parent=PRETRAIN_TRANSFORMS, locations=['mmsocket.datasets'])
MODELS = Registry(
    'model', parent=PRETRAIN_MODELS, locations=['mmsocket.models'])
MODEL_WRAPPERS = Registry(
    'model_wrapper',
    parent=PRETRAIN_MODEL_WRAPPERS,
    locations=['mmsocket.models'])
METRICS = Registry(
    'metric', parent=PRETRAIN_METRICS, locations=['mmsocket.evaluation'])
EVALUATORS = Registry(
    'evaluator', parent=PRETRAIN_EVALUATORS, locations=['mmsocket.evaluation'])
VISUALIZERS = Registry('visualizer', parent=PRETRAIN_VISUALIZERS)
VISBACKENDS = Registry('vis_backend', parent=PRETRAIN_VISBACKENDS)
WEIGHT_INITIALIZERS = Registry(
    'weight initializer', parent=PRETRAIN_WEIGHT_INITIALIZERS)
TASK_UTILS = Registry(
    'task util', parent=PRETRAIN_TASK_UTILS, locations=['mmsocket.models'])
