# Copyright (c) mmsocket contributors. All rights reserved.
"""TGMB: learn a translator from the target modality to source-like RGB.

Stage 1 of "Source-Free Cross-Modal Knowledge Transfer by Unleashing the
Potential of Task-Irrelevant Data" (arXiv 2401.05014).
docs/methods/tgmb_tgkt.md lists the choices where the paper is ambiguous.
"""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.optim import OptimWrapperDict

from mmsocket.registry import MODELS
from ..losses import gan_loss
from ..translators import from_source_input, to_source_input
from ..utils import (PerSourceModules, feature_width, freeze, mix,
                     temporarily_frozen)
from .multi_source_classifier import MultiSourceClassifier


@MODELS.register_module()
class TGMB(MultiSourceClassifier):
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
    zeta's gradient comes from T's loss, so zeta steps when T does (T's
    ``accumulative_counts`` applies to it).

    Several sources (beyond the paper): each has its own D1 and D2 on its
    own feature space; the adversarial terms are weighted by zeta
    (detached) and zeta is learned from L_IM on the zeta-weighted logits,
    as in SOCKET/DECISION.

    Args:
        sources (list[dict]): ``dict(model=..., checkpoint=...)`` per source
            model (frozen throughout, eval mode).
        translator (dict): The translator T. Defaults to
            ``UNetStemTranslator`` (2,851 parameters).
        discriminator (dict): Config of D1 and D2 (one each per source);
            ``in_channels=None`` gives each that source's feature width.
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
                     type='MLPFeatureDiscriminator', in_channels=None),
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
        super().__init__(sources, zeta_init, data_preprocessor,
                         source_preprocessor, init_cfg)
        # The source models are fixed throughout; only T (and zeta) learn.
        freeze(self.encoders)

        self.translator = MODELS.build(translator)
        self.disc_inter = PerSourceModules(
            MODELS.build(self._discriminator_cfg(discriminator, j))
            for j in range(len(sources)))
        self.disc_intra = PerSourceModules(
            MODELS.build(self._discriminator_cfg(discriminator, j))
            for j in range(len(sources)))

        def build(cfg):
            return MODELS.build(cfg) if cfg else None

        self.rec_loss = build(rec_loss)
        self.inter_gan_loss = build(inter_gan_loss)
        self.intra_gan_loss = build(intra_gan_loss)
        self.info_max_loss = build(info_max_loss)
        self.train()

    def _discriminator_cfg(self, cfg: dict, j: int) -> dict:
        """Source ``j``'s D1/D2 config: ``in_channels`` None becomes the
        width of that source's features (what its head reads), so a source
        of any width works; a stated width must be that one."""
        width = feature_width(self.heads[j])
        given = cfg.get('in_channels', 'unset')
        if given is None:
            if width is None:
                raise ValueError(
                    f'TGMB: the feature width of source {j} is unknown (its '
                    f'head {type(self.heads[j]).__name__} has no '
                    'in_channels and no Linear layer); set '
                    'model.discriminator.in_channels to the width of its '
                    "encoder's output")
            return dict(cfg, in_channels=width)
        if width is not None and given != 'unset' and given != width:
            raise ValueError(
                f'TGMB: model.discriminator.in_channels is {given}, but '
                f'source {j} gives {width}-d features (its head\'s input); '
                'set model.discriminator.in_channels=None (each source\'s '
                f'own width) or {width}')
        return cfg

    def train(self, mode: bool = True) -> 'TGMB':
        """The source models stay in eval mode (their BN statistics are
        part of what T must match)."""
        super().train(mode)
        self.encoders.eval()
        self.heads.eval()
        return self

    # ---------------------------------------------------------- forward parts
    def translate(self, inputs: torch.Tensor) -> torch.Tensor:
        """Normalised target images -> translated RGB in [0, 1]."""
        return self.translator(inputs)

    def source_features(self, rgb01: torch.Tensor) -> List[torch.Tensor]:
        """Each frozen source encoder's features of RGB images in [0, 1]."""
        return self.encoders(to_source_input(rgb01, self.source_preprocessor))

    def extract_feat(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """The source features of translated target images: what TGMB
        evaluates (the paper's "TGMB" result)."""
        return self.source_features(self.translate(inputs))

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
                zd[j] * self.inter_gan_loss(d_ti, True)
                for j, d_ti in enumerate(self.disc_inter(f_ti)))
        if self.intra_gan_loss is not None:
            # Both sides move towards each other: TR translations should
            # look like TI ones and vice versa.
            d_tr, d_ti = self.disc_intra(f_tr), self.disc_intra(f_ti)
            losses['loss_adv_intra'] = sum(
                zd[j] * (self.intra_gan_loss(d_tr[j], True) +
                         self.intra_gan_loss(d_ti[j], False))
                for j in range(self.num_sources))
        mixed = mix(self._logits(f_tr), zeta)
        if self.info_max_loss is not None:
            losses['loss_im'] = self.info_max_loss(mixed)
        return losses, mixed

    def discriminator_step(self, name: str, real: List[torch.Tensor],
                           fake: List[torch.Tensor], gan_type: str,
                           optim_wrapper: OptimWrapperDict) -> torch.Tensor:
        """One step of D1 (``name='disc_inter'``) or D2 (``'disc_intra'``):
        each source's discriminator scores its (detached) real features 1
        and fake ones 0. Returns the loss, detached."""
        discs, wrapper = getattr(self, name), optim_wrapper[name]
        with wrapper.optim_context(discs):
            d_real = discs([r.detach() for r in real])
            d_fake = discs([f.detach() for f in fake])
            loss = sum(
                gan_loss(r, True, gan_type) + gan_loss(f, False, gan_type)
                for r, f in zip(d_real, d_fake))
        wrapper.update_params(loss)
        return loss.detach()

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
                temporarily_frozen(self.disc_inter, self.disc_intra):
            fake_ti = self.translate(x_ti)
            fake_tr = self.translate(x_tr)
            f_ti = self.source_features(fake_ti)
            f_tr = self.source_features(fake_tr)
            losses, mixed = self.translator_losses(f_ti, f_tr, fake_ti,
                                                   rgb01_ti)
            loss, log_vars = self.parse_losses(losses)
        wrapper.update_params(loss)
        # zeta's gradient came with T's (scaled, counted) backward.
        if 'mixer' in optim_wrapper and wrapper.should_update():
            optim_wrapper['mixer'].step()
            optim_wrapper['mixer'].zero_grad()
        self._log_ensemble(log_vars, mixed)

        # The discriminators see the features of this step's translations
        # (before T's update), detached: no gradient reaches T.
        if self.inter_gan_loss is not None:
            with torch.no_grad():
                f_rgb = self.encoders(rgb_ti)
            log_vars['disc_inter.loss'] = self.discriminator_step(
                'disc_inter', f_rgb, f_ti, self.inter_gan_loss.gan_type,
                optim_wrapper)
        if self.intra_gan_loss is not None:
            log_vars['disc_intra.loss'] = self.discriminator_step(
                'disc_intra', f_ti, f_tr, self.intra_gan_loss.gan_type,
                optim_wrapper)
        return log_vars
