# Copyright (c) mmsocket contributors. All rights reserved.
from typing import List, Optional, Union

from mmengine.hooks import Hook
from torch.utils.data import DataLoader

from mmsocket.datasets import sample_ids
from mmsocket.registry import HOOKS
from .pass_progress import LoggedPass
from .utils import (build_stream_loader, check_pipeline_arg, require_interface,
                    unwrap)


@HOOKS.register_module()
class TIFeatureBankHook(Hook):
    """Extract the task-irrelevant source features psi once, before training.

    The features come from the original source encoders (eval mode, a
    deterministic transform), so the bank must be built before the first
    update; a resumed run restores it from the checkpoint instead (the
    encoders are no longer the originals then).

    Args:
        dataloader (dict | DataLoader): The pass over the source-modality
            TI images. Without a ``dataset`` it is the training set's
            ``stream`` with ``modality=source_modality`` and ``pipeline``:
            record i of both is then the same pair by construction.
        stream (str): The TI stream of the training ``MultiStreamDataset``.
            Defaults to ``'ti'``.
        source_modality (str): Modality the source models were trained
            on. Defaults to ``'rgb'``.
        pipeline (list | str, optional): A deterministic pipeline for the
            source images: a list of transforms, or the loader whose
            pipeline to use (e.g. ``'test_dataloader'``); defaults to the
            stream's own.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 dataloader: Union[dict, DataLoader] = dict(batch_size=64),
                 stream: str = 'ti',
                 source_modality: str = 'rgb',
                 pipeline: Optional[Union[List[dict], str]] = None) -> None:
        self.dataloader = dataloader
        self.stream = stream
        self.source_modality = source_modality
        check_pipeline_arg(pipeline)
        self.pipeline = pipeline

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        require_interface(model, self, 'build_ti_bank')
        if not model.needs_ti_bank or model.ti_bank_ready:
            return
        loader = build_stream_loader(
            runner,
            self.dataloader,
            self.stream,
            modality=self.source_modality,
            pipeline=self.pipeline)
        streams = getattr(runner.train_dataloader.dataset, 'streams', {})
        if self.stream in streams and sample_ids(
                streams[self.stream]) != sample_ids(loader.dataset):
            raise ValueError(
                'TIFeatureBankHook: the source-modality TI set and the '
                f'training stream {self.stream!r} do not list the same '
                'pairs in the same order')
        runner.logger.info('Extracting task-irrelevant source features of '
                           f'{len(loader.dataset)} pairs')
        model.build_ti_bank(
            LoggedPass(loader, 'TI feature-bank pass', runner.logger.info))
