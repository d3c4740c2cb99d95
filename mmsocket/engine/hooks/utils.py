# Copyright (c) mmsocket contributors. All rights reserved.
import copy
from typing import Optional, Union

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from torch.utils.data import DataLoader


def unwrap(model):
    """The algorithm behind any DDP wrapper (state lives there)."""
    return model.module if is_model_wrapper(model) else model


def require_interface(model, hook, method: str) -> None:
    """Refuse a hook on a model that has no bank for it to fill."""
    if not callable(getattr(model, method, None)):
        raise TypeError(
            f'{type(hook).__name__} fills a bank of the model through '
            f'model.{method}(), which {type(model).__name__} does not have '
            '(SOCKET, SHOT, DECISION and TGKT do): remove the hook from '
            'custom_hooks')


#: The loaders a hook's ``pipeline`` may name: the pass then uses that
#: loader's pipeline, as the loader itself does.
PIPELINE_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def check_pipeline_arg(pipeline) -> None:
    """Refuse, when a hook is built, a pipeline string that names no loader
    (e.g. the former ``'test_pipeline'``, a top-level variable)."""
    if isinstance(pipeline, str) and pipeline not in PIPELINE_LOADERS:
        raise ValueError(
            f'pipeline={pipeline!r}: a hook\'s pipeline is a list of '
            f'transforms or the name of a loader whose pipeline to use, one '
            f'of {PIPELINE_LOADERS} (e.g. pipeline=\'test_dataloader\' for '
            'the test transform); hooks do not read top-level config '
            'variables, which a leaf config or --cfg-options may change '
            'without the loaders')


def loader_pipeline(runner: Runner, name: str, stream: Optional[str]) -> list:
    """The pipeline the loader ``name`` of the (resolved) config uses; for
    the training loader, that of ``stream`` if it is a multi-stream set."""
    check_pipeline_arg(name)
    loader = runner.cfg.get(name)
    dataset = loader.get('dataset') if loader else None
    if dataset and 'streams' in dataset:
        dataset = dataset['streams'].get(stream)
    if not dataset or dataset.get('pipeline') is None:
        raise ValueError(
            f'pipeline={name!r}: the config\'s {name} has no dataset '
            'pipeline to use (is it None, e.g. with --no-validate for '
            "val_dataloader?); name another loader, e.g. 'test_dataloader'")
    return copy.deepcopy(dataset['pipeline'])


def build_stream_loader(runner: Runner,
                        loader: Union[dict, DataLoader],
                        stream: Optional[str] = None,
                        **dataset_overrides) -> DataLoader:
    """Build a hook's own unshuffled pass over a dataset.

    When ``loader`` has no ``dataset``, the dataset is the config of stream
    ``stream`` of the training ``MultiStreamDataset``, with
    ``dataset_overrides`` (e.g. another modality or pipeline) applied. A
    pipeline given as a string names the loader whose pipeline to use
    (:func:`loader_pipeline`, e.g. ``'test_dataloader'``), so overriding the
    loaders' pipelines reaches the hook's pass too. A config that changes
    the target domain then changes it in one place.
    """
    if isinstance(loader, DataLoader):
        return loader
    loader = copy.deepcopy(loader)
    if loader.get('dataset') is None:
        streams = runner.cfg.train_dataloader.dataset.get('streams', {})
        if stream not in streams:
            raise KeyError(f'the training dataset has no stream {stream!r} '
                           'to derive this pass from; give `dataset`')
        dataset = copy.deepcopy(streams[stream])
        pipeline = dataset_overrides.get('pipeline')
        if isinstance(pipeline, str):
            dataset_overrides['pipeline'] = loader_pipeline(
                runner, pipeline, stream)
        dataset.update({
            k: v
            for k, v in dataset_overrides.items() if v is not None
        })
        loader['dataset'] = dataset
    loader.setdefault('sampler', dict(type='DefaultSampler', shuffle=False))
    return runner.build_dataloader(loader, seed=runner.seed)
