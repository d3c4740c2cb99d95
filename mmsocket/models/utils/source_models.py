# Copyright (c) mmsocket contributors. All rights reserved.
"""Build, load and hold the source models every transfer method starts from.

A source model is an mmpretrain ``ImageClassifier`` trained on the source
modality: ours (backbone + ``FeatureBottleneck`` neck + ``WeightNormClsHead``,
as SHOT and SOCKET train it) or any other, e.g. a stock mmpretrain
classifier (backbone + ``GlobalAveragePooling`` + ``LinearClsHead``) or a
torchvision ResNet read into that form (:mod:`.source_checkpoints`).
Methods split it into a trainable encoder f = neck o backbone (the
backbone alone without a neck) and a frozen classifier g = head.
"""
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.registry import DefaultScope

from mmsocket.registry import MODELS
from .source_checkpoints import read_source_checkpoint


def build_source_classifier(
        model: dict,
        checkpoint: Optional[str] = None) -> Tuple[nn.Module, Optional[list]]:
    """Build a source classifier and load its checkpoint.

    Args:
        model (dict): The classifier config (as in the source config).
        checkpoint (str, optional): Path of the trained source model. Without
            one the model keeps its initialisation (tests, smoke runs).

    Returns:
        tuple: The model and the class names stored in the checkpoint's
        ``meta.dataset_meta`` (None when unknown).
    """
    # mmpretrain's ImageClassifier builds its neck and head from its own
    # registry, which finds ours only through the default scope.
    with DefaultScope.overwrite_default_scope('mmsocket'):
        clf = MODELS.build(model)
    classes = None
    if not checkpoint:
        clf.init_weights()
    else:
        # No init_weights(): the checkpoint (loaded strictly) overwrites
        # every weight, and a 'Pretrained' init_cfg would fetch ImageNet
        # weights only to discard them.
        state, meta, mapping = read_source_checkpoint(clf, checkpoint)
        try:
            clf.load_state_dict(state, strict=True)
        except RuntimeError as e:
            if 'size mismatch for head.' in str(e):
                raise ValueError(_class_count_mismatch(checkpoint, clf,
                                                       meta)) from e
            raise
        if mapping is not None:
            print_log(
                f'{checkpoint}: read as a {mapping} state dict',
                logger='current')
        classes = (meta.get('dataset_meta') or {}).get('classes')
        classes = list(classes) if classes is not None else None
    num_classes = getattr(clf.head, 'num_classes', None)
    if num_classes is None:
        raise ValueError(
            f'the source model\'s head ({type(clf.head).__name__}) has no '
            'num_classes: a source model must end in a classification head '
            '(e.g. LinearClsHead or WeightNormClsHead)')
    if classes is not None and len(classes) != num_classes:
        raise ValueError(f'{checkpoint} was trained on {len(classes)} '
                         f'classes but its head has {num_classes} outputs')
    return clf, classes


def _class_count_mismatch(checkpoint: str, clf: nn.Module, meta: dict) -> str:
    """Why a source checkpoint's head does not fit the built one."""
    classes = (meta.get('dataset_meta') or {}).get('classes')
    trained = (f'{len(classes)} classes {list(classes)}'
               if classes is not None else 'another number of classes')
    built = getattr(clf.head, 'num_classes', '?')
    return (f'source checkpoint {checkpoint} was trained on {trained}, but '
            f'the config builds its head with {built} classes (the '
            '`num_classes` setting, read from the target data when None): '
            'adapt it on data with its class list, or give the source '
            'model trained on this data')


def feature_width(head: nn.Module) -> Optional[int]:
    """The width of the features a source head reads (its encoder's
    output): the head's ``in_channels`` (mmpretrain's heads and ours), else
    its first ``nn.Linear``'s ``in_features``; None if neither says."""
    width = getattr(head, 'in_channels', None)
    if isinstance(width, int):
        return width
    fc = next((m for m in head.modules() if isinstance(m, nn.Linear)), None)
    return fc.in_features if fc is not None else None


class SourceSet(NamedTuple):
    """The parts every multi-source algorithm builds from ``sources``."""
    encoders: 'SourceEncoders'
    heads: nn.ModuleList
    mixer: 'SourceMixer'
    num_classes: int
    classes: Optional[List[str]]


def build_sources(sources: Sequence[dict],
                  zeta_init: Union[float, str] = 1.0) -> SourceSet:
    """Build the source classifiers of ``sources`` (each ``dict(model=...,
    checkpoint=...)``), split into encoders and heads, with mixing weights.

    Nothing is frozen here: SOCKET trains the encoders, TGMB freezes them.

    Raises:
        ValueError: No source, or sources that disagree on their classes.
    """
    if not sources:
        raise ValueError('at least one source model is needed')
    encoders, heads, class_lists = [], [], []
    for src in sources:
        clf, classes = build_source_classifier(src['model'],
                                               src.get('checkpoint'))
        encoders.append(SourceEncoder(clf.backbone, clf.neck))
        heads.append(clf.head)
        class_lists.append(classes)
    known = [c for c in class_lists if c is not None]
    if any(c != known[0] for c in known):
        raise ValueError(
            f'source checkpoints disagree on the class list: {known}')
    sizes = {h.num_classes for h in heads}
    if len(sizes) != 1:
        raise ValueError(
            f'source heads have different class counts {sorted(sizes)}')
    return SourceSet(
        SourceEncoders(encoders), nn.ModuleList(heads),
        SourceMixer(len(sources), zeta_init), sizes.pop(),
        known[0] if known else None)


def build_preprocessors(
        sources: Sequence[dict],
        data_preprocessor: Optional[dict] = None,
        source_preprocessor: Optional[dict] = None
) -> Tuple[nn.Module, nn.Module]:
    """The target data preprocessor and the source models' own one.

    Both default to the first source model's ``data_preprocessor``: target
    images are normalised as the source saw its RGB. Built in our scope:
    mmengine's BaseModel would look in its root registry, which lacks
    mmpretrain's preprocessors unless a Runner has set the default scope.
    """
    if source_preprocessor is None and sources:
        source_preprocessor = sources[0]['model'].get('data_preprocessor')
    if data_preprocessor is None:
        data_preprocessor = source_preprocessor
    if isinstance(data_preprocessor, dict):
        data_preprocessor = MODELS.build(data_preprocessor)
    return data_preprocessor, MODELS.build(
        source_preprocessor or dict(type='ClsDataPreprocessor'))


class SourceEncoder(nn.Module):
    """f = neck o backbone of one source classifier; returns a tensor."""

    def __init__(self, backbone: nn.Module, neck: nn.Module) -> None:
        super().__init__()
        self.backbone = backbone
        self.neck = neck

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = self.backbone(x)
        return (feats if self.neck is None else self.neck(feats))[-1]


class SourceEncoders(nn.Module):
    """All sources' encoders as one module.

    Holding them in one module (rather than a ModuleList indexed by the
    algorithm) lets ``MMSeparateDistributedDataParallel`` wrap them in a
    single DDP whose forward is called once per batch.
    """

    def __init__(self, encoders: Sequence[SourceEncoder]) -> None:
        super().__init__()
        self.encoders = nn.ModuleList(encoders)

    def __len__(self) -> int:
        return len(self.encoders)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [enc(x) for enc in self.encoders]


class PerSourceModules(nn.ModuleList):
    """One module per source, applied to that source's input.

    A list that is also a module with a forward, so that
    ``MMSeparateDistributedDataParallel`` can wrap it in one DDP (a wrapped
    plain ``ModuleList`` can no longer be iterated). Its state-dict keys are
    those of a ``ModuleList`` (``0.*``, ``1.*``, ...).
    """

    def forward(self, inputs: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        if len(inputs) != len(self):
            raise ValueError(f'{len(self)} per-source modules got '
                             f'{len(inputs)} inputs')
        return [m(x) for m, x in zip(self, inputs)]


class SourceMixer(nn.Module):
    """Learnable source weights zeta = sigmoid(w) / sum(sigmoid(w)).

    DECISION's re-parametrisation, used by SOCKET's code (see
    docs/methods/socket.md#zeta-source-mixing-weights):
    it keeps zeta on the simplex without a projection step. With one source
    the weight is fixed at 1 and nothing is learned (``weight`` does not
    require grad; an algorithm that uses the unnormalised weights may turn
    it on).

    Args:
        num_sources (int): Number of source models.
        init (float | str): Initial raw weight w: a number for all sources
            (SOCKET: 1.0, so zeta = 1/n) or ``'uniform'`` for w ~ U(-1, 1)
            (DECISION's code).
    """

    def __init__(self,
                 num_sources: int,
                 init: Union[float, str] = 1.0) -> None:
        super().__init__()
        if init == 'uniform':
            weight = torch.empty(num_sources).uniform_(-1, 1)
        elif isinstance(init, (int, float)):
            weight = torch.full((num_sources, ), float(init))
        else:
            raise ValueError(f"zeta init must be a number or 'uniform', "
                             f'got {init!r}')
        self.weight = nn.Parameter(weight, requires_grad=num_sources > 1)

    def forward(self, normalised: bool = True) -> torch.Tensor:
        """zeta, or with ``normalised=False`` the raw sigmoid(w) (which the
        official SOCKET code uses inside L_d). An argument rather than a
        method: a DDP-wrapped mixer is reached through its forward only."""
        s = torch.sigmoid(self.weight)
        return s / s.sum() if normalised else s


def mix(tensors: Sequence[torch.Tensor], zeta: torch.Tensor) -> torch.Tensor:
    """Sum of ``zeta[j] * tensors[j]`` (the weighted-logit ensemble)."""
    return sum(z * t for z, t in zip(zeta, tensors))
