# Copyright (c) mmsocket contributors. All rights reserved.
"""Registries of mmsocket.

Every registry is a child of mmpretrain's (which are children of mmengine's
roots), so a config in the ``mmsocket`` scope can name our parts and
mmpretrain's (``ResNet``, ``PackInputs``, ``Accuracy``) by bare ``type=``.
``locations`` imports our package lazily on the first look-up, so building
from a config works without importing anything by hand.

mmpretrain's own entry points build in the ``mmpretrain`` scope whatever a
config says (``get_model``, so ``ImageClassificationInferencer`` and
``tools/analysis_tools/get_flops.py``; ``tools/visualization/
browse_dataset.py``). mmengine looks a bare name up in that registry and
its parents only, never in its children (``Registry.get``), so our models,
datasets, transforms and metrics are also registered, under the same names,
in mmpretrain's registries of the same kind (:class:`MirroredRegistry`);
our configs' ``custom_imports`` import them (configs/_base_/
default_runtime.py).
"""
from typing import List, Optional, Type, Union

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


class MirroredRegistry(Registry):
    """A registry whose modules are also registered in its parent
    (mmpretrain's registry of the same kind), under the same names.

    A name mmpretrain already uses for a module of its own is never taken
    over (the bare name then means mmpretrain's module in mmpretrain's
    scope and ours in ours); a name mirrored before may be re-registered
    with ``force``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mirrored: set = set()

    def _register_module(self,
                         module: Type,
                         module_name: Optional[Union[str, List[str]]] = None,
                         force: bool = False) -> None:
        super()._register_module(module, module_name, force)
        names = module_name or module.__name__
        for name in [names] if isinstance(names, str) else names:
            if name in self.mirrored or name not in self.parent._module_dict:
                self.parent._register_module(module, name, force=True)
                self.mirrored.add(name)


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
DATASETS = MirroredRegistry(
    'dataset', parent=PRETRAIN_DATASETS, locations=['mmsocket.datasets'])
DATA_SAMPLERS = Registry(
    'data sampler',
    parent=PRETRAIN_DATA_SAMPLERS,
    locations=['mmsocket.datasets'])
TRANSFORMS = MirroredRegistry(
    'transform', parent=PRETRAIN_TRANSFORMS, locations=['mmsocket.datasets'])
MODELS = MirroredRegistry(
    'model', parent=PRETRAIN_MODELS, locations=['mmsocket.models'])
MODEL_WRAPPERS = Registry(
    'model_wrapper',
    parent=PRETRAIN_MODEL_WRAPPERS,
    locations=['mmsocket.models'])
METRICS = MirroredRegistry(
    'metric', parent=PRETRAIN_METRICS, locations=['mmsocket.evaluation'])
EVALUATORS = Registry(
    'evaluator', parent=PRETRAIN_EVALUATORS, locations=['mmsocket.evaluation'])
VISUALIZERS = Registry('visualizer', parent=PRETRAIN_VISUALIZERS)
VISBACKENDS = Registry('vis_backend', parent=PRETRAIN_VISBACKENDS)
WEIGHT_INITIALIZERS = Registry(
    'weight initializer', parent=PRETRAIN_WEIGHT_INITIALIZERS)
TASK_UTILS = Registry(
    'task util', parent=PRETRAIN_TASK_UTILS, locations=['mmsocket.models'])
