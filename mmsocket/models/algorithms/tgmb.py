# Copyright (c) mmsocket contributors. All rights reserved.
"""TGMB: learn a translator from the target modality to source-like RGB.

Stage 1 of "Source-Free Cross-Modal Knowledge Transfer by Unleashing the
Potential of Task-Irrelevant Data" (arXiv 2401.05014), Sec. 3.1 and
Algorithm 1. Formulas and the choices where the paper is ambiguous:
docs/methods/tgmb_tgkt.md#tgmb-losses.
"""
import contextlib
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from mmpretrain.structures import DataSample

from mmsocket.registry import MODELS
from ..losses import gan_loss, info_max_terms
from ..translators import from_source_input, to_source_input
from ..utils import build_preprocessors, build_sources, freeze, mix


@contextlib.contextmanager
def frozen(*modules: nn.Module):
    """Temporarily stop gradients into ``modules`` (restored on exit), so a
    phase's backward leaves no stale ``.grad`` on another phase's network.
    """
    params = [p for m in modules for p in m.parameters() if p.requires_grad]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)


def set_pred_scores(
        logits: Sequence[torch.Tensor], zeta: torch.Tensor,
        data_samples: Optional[List[DataSample]]) -> List[DataSample]:
    """Ensemble scores plus each source's (``source_scores``, (S, K)), as
    :class:`MultiSourceAccuracy` reads them."""
    mixed = mix(logits, zeta).softmax(1)
    per_source = torch.stack([lg.softmax(1) for lg in logits], 1)
    if data_samples is None:
        data_samples = [DataSample() for _ in range(len(mixed))]
    for sample, score, src in zip(data_samples, mixed, per_source):
        sample.set_pred_score(score)
        sample.set_field(src, 'source_scores')
    return data_samples


@MODELS.register_module()
class TGMB(BaseModel):
    """Task-irrelevant data guided modality bridging.

    A translator T maps a target-modality image (depth/NIR, replicated to 3
    channels and normalised) to an RGB image in [0, 1], which is normalised
    as the source model's inputs and fed to the frozen source model(s).
    T minimises ``L_rec + alpha_d (L_D1 + L_D2) + alpha_im L_IM``:

    - ``L_rec``: pixel MSE between T(x_TI^t) and the paired TI RGB image;
    - ``L_D1``: a discriminator D1 per source separates F_s(TI RGB) (real)
      from F_s(T(x_TI^t)) (fake): the inter-modality gap;
    - ``L_D2``: D2 separates F_s(T(x_TI^t)) (real) from F_s(T(x_TR^t))
      (fake): the gap between task-irrelevant and task-relevant data;
    - ``L_IM``: information maximisation of the source prediction on
      T(x_TR^t).

    Then each discriminator takes one step on its own loss (features
    detached). Every network has its own optimizer: ``optim_wrapper`` keys
    are ``translator``, ``disc_inter`` (D1), ``disc_intra`` (D2) and
    ``mixer`` (the source weights zeta; nothing to learn with one source).

    Several sources (beyond the paper): each has its own D1 and D2 on its
    own feature space; the adversarial terms are weighted by zeta
    (detached) and zeta is learned from L_IM on the zeta-weighted logits,
    as in SOCKET/DECISION.

    Args:
        sources (list[dict]): ``dict(model=..., checkpoint=...)`` per source
            model (frozen throughout, eval mode).
        translator (dict): The translator T. Defaults to
            ``UNetStemTranslator`` (2,851 parameters).
        discriminator (dict): Config of D1 and D2 (one each per source).
        rec_loss (dict, optional): L_rec; None disables it.
        inter_gan_loss (dict, optional): L_D1 with weight alpha_d; None
            disables D1 (ablation, the paper's Table 4).
        intra_gan_loss (dict, optional): L_D2 with weight alpha_d; None
            disables D2.
        info_max_loss (dict, optional): L_IM with weight alpha_im = 0.2;
            None disables it.
        zeta_init (float | str): Initial raw source weight.
        data_preprocessor (dict, optional): Normalisation of the target
            modality (T's input).
        source_preprocessor (dict, optional): Normalisation of the source
            model's RGB inputs; defaults to the first source's own.
    """

    def __init__(self,
                 sources: Sequence[dict],
                 translator: dict = dict(type='UNetStemTranslator'),
                 discriminator: dict = dict(
                     type='MLPFeatureDiscriminator', in_channels=256),
                 rec_loss: Optional[dict] = dict(
                     type='PixelReconstructionLoss', criterion='L2'),
                 inter_gan_loss: Optional[dict] = dict(
                     type='GANLoss', loss_weight=1.0),
                 intra_gan_loss: Optional[dict] = dict(
                     type='GANLoss', loss_weight=1.0),
                 info_max_loss: Optional[dict] = dict(
                     type='InfoMaxLoss', loss_weight=0.2),
                 zeta_init: Union[float, str] = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 source_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if not sources:
            raise ValueError('TGMB needs at least one source model')
        data_preprocessor, source_preprocessor = build_preprocessors(
            sources, data_preprocessor, source_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.source_preprocessor = source_preprocessor

        built = build_sources(sources, zeta_init)
        self.encoders = freeze(built.encoders)
        self.heads = freeze(built.heads)
        self.num_classes = built.num_classes
        self.classes = built.classes
        self.mixer = built.mixer

        self.translator = MODELS.build(translator)
        self.disc_inter = nn.ModuleList(
            MODELS.build(discriminator) for _ in sources)
        self.disc_intra = nn.ModuleList(
            MODELS.build(discriminator) for _ in sources)

        def build(cfg):
            return MODELS.build(cfg) if cfg else None

        self.rec_loss = build(rec_loss)
        self.inter_gan_loss = build(inter_gan_loss)
        self.intra_gan_loss = build(intra_gan_loss)
        self.info_max_loss = build(info_max_loss)
        self.train()

    def init_weights(self) -> None:
        """Nothing to do: the sources come from their checkpoints and the
        new networks were initialised when built; mmengine's default would
        re-initialise the loaded source weights."""

    def train(self, mode: bool = True) -> 'TGMB':
        """The source models stay in eval mode (their BN statistics are
        part of what T must match)."""
        super().train(mode)
        self.encoders.eval()
        self.heads.eval()
        return self

    @property
    def num_sources(self) -> int:
        return len(self.heads)

    # ---------------------------------------------------------- forward parts
    def translate(self, inputs: torch.Tensor) -> torch.Tensor:
        """Normalised target images -> translated RGB in [0, 1]."""
        return self.translator(inputs)

    def source_features(self, rgb01: torch.Tensor) -> List[torch.Tensor]:
        """Each frozen source encoder's features of RGB images in [0, 1]."""
        return self.encoders(to_source_input(rgb01, self.source_preprocessor))

    def _logits(self, feats: List[torch.Tensor]) -> List[torch.Tensor]:
        return [head((f, )) for head, f in zip(self.heads, feats)]

    # ------------------------------------------------------------- training
    def translator_losses(self, f_ti, f_tr, fake_ti, rgb01_ti):
        """T's objective; also returns the mixed TR logits for logging."""
        zeta = self.mixer()
        zd = zeta.detach()
        losses = {}
        if self.rec_loss is not None:
            losses['loss_rec'] = self.rec_loss(fake_ti, rgb01_ti)
        if self.inter_gan_loss is not None:
            losses['loss_adv_inter'] = sum(
                zd[j] * self.inter_gan_loss(d(f_ti[j]), True)
                for j, d in enumerate(self.disc_inter))
        if self.intra_gan_loss is not None:
            # Both sides move towards each other: TR translations should
            # look like TI ones and vice versa.
            losses['loss_adv_intra'] = sum(
                zd[j] * (self.intra_gan_loss(d(f_tr[j]), True) +
                         self.intra_gan_loss(d(f_ti[j]), False))
                for j, d in enumerate(self.disc_intra))
        mixed = mix(self._logits(f_tr), zeta)
        if self.info_max_loss is not None:
            losses['loss_im'] = self.info_max_loss(mixed)
        return losses, mixed

    @staticmethod
    def discriminator_loss(discs: nn.ModuleList, real: List[torch.Tensor],
                           fake: List[torch.Tensor],
                           gan_type: str) -> torch.Tensor:
        """Each source's discriminator: real -> 1, fake -> 0 (summed)."""
        return sum(
            gan_loss(d(r.detach()), True, gan_type) +
            gan_loss(d(f.detach()), False, gan_type)
            for d, r, f in zip(discs, real, fake))

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """One step of T (and zeta), then one of D1 and one of D2.

        ``data`` holds three streams: ``target`` (TR target images),
        ``ti`` (TI target-modality images) and ``ti_source`` (the paired
        TI RGB images; see ``MultiStreamDataset(paired=...)``).
        """
        for key in ('target', 'ti', 'ti_source'):
            if key not in data:
                raise KeyError(f'TGMB needs a {key!r} stream in each batch '
                               f'(got {sorted(data)})')
        x_tr = self.data_preprocessor(data['target'], True)['inputs']
        x_ti = self.data_preprocessor(data['ti'], True)['inputs']
        rgb_ti = self.source_preprocessor(data['ti_source'], True)['inputs']
        rgb01_ti = from_source_input(rgb_ti, self.source_preprocessor)

        wrapper = optim_wrapper['translator']
        with wrapper.optim_context(self.translator), \
                frozen(self.disc_inter, self.disc_intra):
            fake_ti = self.translate(x_ti)
            fake_tr = self.translate(x_tr)
            f_ti = self.source_features(fake_ti)
            f_tr = self.source_features(fake_tr)
            losses, mixed = self.translator_losses(f_ti, f_tr, fake_ti,
                                                   rgb01_ti)
            loss, log_vars = self.parse_losses(losses)
        wrapper.update_params(loss)
        if 'mixer' in optim_wrapper:
            optim_wrapper['mixer'].step()
            optim_wrapper['mixer'].zero_grad()
        ent, div = info_max_terms(mixed.detach())
        log_vars.update(entropy=ent, diversity=div)
        for j, z in enumerate(self.mixer().detach()):
            log_vars[f'zeta_{j}'] = z

        # The discriminators see the features of this step's translations
        # (before T's update), detached: no gradient reaches T.
        if self.inter_gan_loss is not None:
            with torch.no_grad():
                f_rgb = self.encoders(rgb_ti)
            w = optim_wrapper['disc_inter']
            with w.optim_context(self.disc_inter):
                loss_d1 = self.discriminator_loss(self.disc_inter, f_rgb, f_ti,
                                                  self.inter_gan_loss.gan_type)
            w.update_params(loss_d1)
            log_vars['disc_inter.loss'] = loss_d1.detach()
        if self.intra_gan_loss is not None:
            w = optim_wrapper['disc_intra']
            with w.optim_context(self.disc_intra):
                loss_d2 = self.discriminator_loss(self.disc_intra, f_ti, f_tr,
                                                  self.intra_gan_loss.gan_type)
            w.update_params(loss_d2)
            log_vars['disc_intra.loss'] = loss_d2.detach()
        return log_vars

    # ------------------------------------------------------------ inference
    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            feats = self.source_features(self.translate(inputs))
            return mix(self._logits(feats), self.mixer())
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'{type(self).__name__} trains through its own '
                           f'train_step; mode={mode!r} is not supported')

    @torch.no_grad()
    def predict(
            self,
            inputs: torch.Tensor,
            data_samples: Optional[List[DataSample]] = None
    ) -> List[DataSample]:
        """The frozen source model(s) on translated target images (the
        paper's "TGMB" result)."""
        feats = self.source_features(self.translate(inputs))
        return set_pred_scores(self._logits(feats), self.mixer(), data_samples)
