# Copyright (c) mmsocket contributors. All rights reserved.
"""What every source-model-based transfer method is: the frozen classifiers
g_k of one or more source models on features f_k(x), mixed by zeta."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from ..losses import info_max_terms
from ..utils import build_preprocessors, build_sources, freeze, mix


class MultiSourceClassifier(BaseModel):
    """The target model ``sum_k zeta_k g_k(f_k(x))`` of a transfer method.

    Builds the source models of ``sources`` and splits each into an encoder
    f_k (``encoders``) and its classifier g_k (``heads``, frozen: the
    source's hypothesis is never trained), plus the source weights zeta
    (``mixer``). Subclasses decide what the encoders see
    (:meth:`extract_feat`) and how they train (``train_step``); inference
    is shared: ``forward(mode='tensor')`` gives the zeta-mixed logits and
    :meth:`predict` the ensemble scores with each source's alongside.

    Args:
        sources (list[dict]): One ``dict(model=..., checkpoint=...)`` per
            source model (an mmpretrain ``ImageClassifier`` config and the
            path of its trained weights).
        zeta_init (float | str): Initial raw source weight.
        data_preprocessor (dict, optional): Normalisation of the target
            modality.
        source_preprocessor (dict, optional): Normalisation of source-
            modality (RGB) images; defaults to the first source model's own
            preprocessor, i.e. the statistics it was trained with.
    """

    def __init__(self,
                 sources: Sequence[dict],
                 zeta_init: Union[float, str] = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 source_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if not sources:
            raise ValueError(
                f'{type(self).__name__} needs at least one source model')
        data_preprocessor, source_preprocessor = build_preprocessors(
            sources, data_preprocessor, source_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.source_preprocessor = source_preprocessor

        built = build_sources(sources, zeta_init)
        self.encoders = built.encoders
        self.heads = freeze(built.heads)
        self.mixer = built.mixer
        self.num_classes = built.num_classes
        self.classes = built.classes

    def init_weights(self) -> None:
        """Weights come from the source checkpoints, loaded at build time,
        and new networks were initialised when built: mmengine's default
        would re-initialise the loaded source weights."""

    def check_dataset_classes(self, classes: Optional[Sequence[str]],
                              where: str) -> None:
        """Refuse a target set whose classes differ from the sources'."""
        if classes is None:
            return
        if len(classes) != self.num_classes or (self.classes is not None and
                                                list(classes) != self.classes):
            raise ValueError(
                f'{where} has classes {list(classes)}, but the source models '
                f'were trained on {self.classes or self.num_classes}')

    @property
    def num_sources(self) -> int:
        return len(self.heads)

    # ---------------------------------------------------------- forward parts
    def extract_feat(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """Each source encoder's features of a preprocessed target batch."""
        return self.encoders(inputs)

    def _logits(self, feats: List[torch.Tensor]) -> List[torch.Tensor]:
        return [head((f, )) for head, f in zip(self.heads, feats)]

    def _log_ensemble(self, log_vars: Dict[str, torch.Tensor],
                      mixed: torch.Tensor) -> None:
        """Add the ensemble's entropy / diversity and each zeta_k to the
        log of a training step."""
        ent, div = info_max_terms(mixed.detach())
        log_vars.update(entropy=ent, diversity=div)
        for j, z in enumerate(self.mixer().detach()):
            log_vars[f'zeta_{j}'] = z

    # ------------------------------------------------------------ inference
    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            return mix(self._logits(self.extract_feat(inputs)), self.mixer())
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'{type(self).__name__} trains through its own '
                           f'train_step (several data streams); mode={mode!r} '
                           'is not supported')

    @torch.no_grad()
    def predict(
            self,
            inputs: torch.Tensor,
            data_samples: Optional[List[DataSample]] = None
    ) -> List[DataSample]:
        """Ensemble prediction; each source's scores ride along as
        ``source_scores`` (S, K), which ``MultiSourceAccuracy`` reads."""
        logits = self._logits(self.extract_feat(inputs))
        mixed = mix(logits, self.mixer()).softmax(1)
        per_source = torch.stack([lg.softmax(1) for lg in logits], 1)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(inputs))]
        for sample, score, src in zip(data_samples, mixed, per_source):
            sample.set_pred_score(score)
            sample.set_field(src, 'source_scores')
        return data_samples
