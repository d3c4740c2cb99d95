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


def build_stream_loader(runner: Runner,
                        loader: Union[dict, DataLoader],
                        stream: Optional[str] = None,
                        **dataset_overrides) -> DataLoader:
    """Build a hook's own unshuffled pass over a dataset.

    When ``loader`` has no ``dataset``, the dataset is the config of stream
    ``stream`` of the training ``MultiStreamDataset``, with
    ``dataset_overrides`` (e.g. another modality or pipeline; a pipeline
    given as a string names a top-level config variable such as
    ``'test_pipeline'``) applied. A config that changes the target domain
    then changes it in one place.
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
            # The name of a top-level config variable, e.g. 'test_pipeline'.
            if pipeline not in runner.cfg:
                raise KeyError(f'pipeline {pipeline!r} names no variable of '
                               'the config')
            dataset_overrides['pipeline'] = copy.deepcopy(runner.cfg[pipeline])
        dataset.update({
            k: v
            for k, v in dataset_overrides.items() if v is not None
        })
        loader['dataset'] = dataset
    loader.setdefault('sampler', dict(type='DefaultSampler', shuffle=False))
    return runner.build_dataloader(loader, seed=runner.seed)
