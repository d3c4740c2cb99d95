# Copyright (c) mmsocket contributors. All rights reserved.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmsocket.registry import MODELS

_GAN_TYPES = ('vanilla', 'lsgan')


def gan_loss(logits: Tensor,
             target_is_real: bool,
             gan_type: str = 'vanilla') -> Tensor:
    """Adversarial loss of discriminator logits against a constant label.

    - ``'vanilla'``: binary cross entropy on ``sigmoid(logits)``,
      :math:`-\\mathrm{mean}\\log D` for real, :math:`-\\mathrm{mean}
      \\log(1-D)` for fake. Used as the *non-saturating* GAN: the generator
      minimises the loss of its fakes labelled real.
    - ``'lsgan'``: mean squared error of the raw output to 1 or 0.

    Args:
        logits (Tensor): Discriminator outputs, any shape.
        target_is_real (bool): The label every element is compared with.
        gan_type (str): ``'vanilla'`` or ``'lsgan'``.

    Returns:
        Tensor: Scalar loss (mean over elements).
    """
    if gan_type not in _GAN_TYPES:
        raise ValueError(f'gan_type must be one of {_GAN_TYPES}, '
                         f'got {gan_type!r}')
    target = torch.full_like(logits, 1.0 if target_is_real else 0.0)
    if gan_type == 'vanilla':
        return F.binary_cross_entropy_with_logits(logits, target)
    return F.mse_loss(logits, target)


@MODELS.register_module()
class GANLoss(nn.Module):
    """GAN loss of TGMB's feature discriminators D1 and D2.

    The paper writes the min-max objective with log D terms whose signs are
    inconsistent between eqs. 2-3 and Algorithm 1 (see
    docs/methods/tgmb_tgkt.md#tgmb-losses); we use
    the standard non-saturating form: each discriminator minimises
    ``loss(D(real), True) + loss(D(fake), False)``, the translator
    minimises ``loss(D(fake), True)``. ``gan_type='lsgan'`` is the least-
    squares alternative.

    Args:
        gan_type (str): ``'vanilla'`` (BCE) or ``'lsgan'``.
            Defaults to ``'vanilla'``.
        loss_weight (float): Weight (TGMB's alpha_d = 1.0 on the
            translator's side). Defaults to 1.0.
    """

    def __init__(self,
                 gan_type: str = 'vanilla',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if gan_type not in _GAN_TYPES:
            raise ValueError(f'gan_type must be one of {_GAN_TYPES}, '
                             f'got {gan_type!r}')
        self.gan_type = gan_type
        self.loss_weight = loss_weight

    def forward(self, logits: Tensor, target_is_real: bool) -> Tensor:
        return self.loss_weight * gan_loss(logits, target_is_real,
                                           self.gan_type)

    def extra_repr(self) -> str:
        return f'gan_type={self.gan_type!r}, loss_weight={self.loss_weight}'
