# Copyright (c) mmsocket contributors. All rights reserved.
from typing import List, Optional, Union

from mmengine.hooks import Hook
from torch.utils.data import DataLoader

from mmsocket.datasets import sample_ids
from mmsocket.registry import HOOKS
from .pass_progress import LoggedPass
from .pseudo_label_monitor import PseudoLabelMonitor
from .utils import (build_stream_loader, check_pipeline_arg, require_interface,
                    unwrap)


@HOOKS.register_module()
class PseudoLabelHook(Hook):
    """Re-cluster the whole target set every ``interval`` epochs/iterations.

    The model owns the labels (``refresh_pseudo_labels``); the hook decides
    when. Each rank passes over its shard of the target set and the
    features are gathered, so every rank clusters the same full set, as
    one process would. A resumed run keeps the restored labels until the
    next refresh point.

    Every refresh logs what it found (samples per pseudo-class, how many
    labels changed, the mean max-probability, and the accuracy against an
    evaluation set's labels when there is one) and warns when the
    predictions or pseudo-labels collapse onto one class
    (:class:`PseudoLabelMonitor`); the pass logs its progress.

    Args:
        dataloader (dict | DataLoader): The unshuffled pass over the
            unlabeled target set. Without a ``dataset`` it is the training
            set's ``stream`` (labels stripped there already), with
            ``pipeline`` if given: SOCKET's code clusters with the training
            transform, SHOT with the test transform.
        stream (str): The target stream of the training dataset.
            Defaults to ``'target'``.
        pipeline (list | str, optional): Pipeline of the pass: a list of
            transforms, or the loader whose pipeline to use, e.g.
            ``'test_dataloader'`` (SHOT's test transform); defaults to the
            stream's own.
        interval (int): Refresh period. Defaults to 1.
        by_epoch (bool): Count ``interval`` in epochs (before each epoch)
            or in iterations (before each iteration). Defaults to True.
        monitor (dict, optional): Arguments of
            :class:`PseudoLabelMonitor` (``labels``,
            ``collapse_threshold``); None logs nothing. Defaults to
            ``dict()``.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(
        self,
        dataloader: Union[dict, DataLoader] = dict(batch_size=64),
        interval: int = 1,
        by_epoch: bool = True,
        stream: str = 'target',
        pipeline: Optional[Union[List[dict], str]] = None,
        monitor: Optional[dict] = dict()
    ) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.dataloader = dataloader
        self.interval = interval
        self.by_epoch = by_epoch
        self.stream = stream
        check_pipeline_arg(pipeline)
        self.pipeline = pipeline
        self.monitor = PseudoLabelMonitor(
            **monitor) if monitor is not None else None
        self._loader = None

    def before_train(self, runner) -> None:
        model = unwrap(runner.model)
        require_interface(model, self, 'refresh_pseudo_labels')
        if not model.needs_pseudo_labels:
            return
        self._loader = build_stream_loader(
            runner, self.dataloader, self.stream, pipeline=self.pipeline)
        dataset = self._loader.dataset
        if getattr(dataset, 'with_label', False):
            raise ValueError('PseudoLabelHook: the clustering set must be '
                             'built with with_label=False (target labels '
                             'are for evaluation only)')
        model.check_dataset_classes(
            dataset.metainfo.get('classes'), 'the target set')
        train_set = runner.train_dataloader.dataset
        streams = getattr(train_set, 'streams', {self.stream: train_set})
        if sample_ids(dataset) != sample_ids(
                streams.get(self.stream, train_set)):
            raise ValueError(
                'PseudoLabelHook: the clustering pass and the training '
                f'stream {self.stream!r} must list the same samples in the '
                'same order (labels are looked up by dataset index)')
        if self.monitor is not None:
            self.monitor.setup(
                runner, dataset,
                dataset.metainfo.get('classes') or model.classes)

    def _refresh(self, runner) -> None:
        model = unwrap(runner.model)
        if self._loader is None or not model.needs_pseudo_labels:
            return
        loader = LoggedPass(self._loader, 'Pseudo-label pass',
                            runner.logger.info)
        probs = model.refresh_pseudo_labels(loader)
        if self.monitor is not None:
            self.monitor.update(runner, model, probs)

    def before_train_epoch(self, runner) -> None:
        if self.by_epoch and (runner.epoch % self.interval == 0
                              or not unwrap(runner.model).pseudo_labels_ready):
            self._refresh(runner)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        if not self.by_epoch and (
                runner.iter % self.interval == 0
                or not unwrap(runner.model).pseudo_labels_ready):
            self._refresh(runner)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        if self.monitor is not None:
            self.monitor.watch(outputs, runner.iter + 1)
