# Copyright (c) mmsocket contributors. All rights reserved.
"""The model config of a source checkpoint a user brings.

A transfer config needs each source's classifier config (``model=``) to
build the network its weights fill. A checkpoint file alone does not say
safely what that network is: mmengine's Runner stores the config's text in
``meta``, but reading it means executing Python from the checkpoint. What a
user does have is the config the checkpoint was trained with, and mmengine's
Runner (mmpretrain's ``tools/train.py`` as ours) dumps that config into its
work dir, next to the checkpoints. So the source config is the one given or,
by default, the one ``*.py`` file next to the checkpoint.
"""
import glob
import os.path as osp
from typing import Optional

from mmengine.config import Config


class SourceConfigError(ValueError):
    """No (or no usable) model config for a source checkpoint; the message
    says which file to pass."""


def find_source_config(checkpoint: str) -> str:
    """The config mmengine's Runner dumped next to ``checkpoint``.

    Raises:
        SourceConfigError: None or several ``*.py`` files are there.
    """
    folder = osp.dirname(osp.abspath(checkpoint))
    found = sorted(glob.glob(osp.join(folder, '*.py')))
    if len(found) == 1:
        return found[0]
    what = 'no config' if not found else \
        f'{len(found)} configs ({", ".join(osp.basename(f) for f in found)})'
    raise SourceConfigError(
        f'{folder} holds {what}: the source checkpoint {checkpoint} needs '
        'the config it was trained with (mmengine\'s Runner writes it into '
        'the work dir, next to the checkpoints). Pass it with '
        '--source-config CONFIG (an mmpretrain config such as '
        'resnet18_8xb32_in1k.py with your num_classes, or ours: '
        'configs/source/own/rgb.py)')


def source_model_config(checkpoint: str, config: Optional[str] = None) -> dict:
    """The classifier config (``model``) of a source checkpoint.

    Args:
        checkpoint (str): The source weights (any form
            :func:`mmsocket.models.utils.build_source_classifier` reads).
        config (str, optional): The config it was trained with; None: the
            one next to the checkpoint (:func:`find_source_config`).

    Returns:
        dict: ``model`` of that config, with the config's top-level
        ``data_preprocessor`` (mmpretrain configs keep the normalisation
        there; the Runner merges it into the model) when the model has
        none.
    """
    path = config or find_source_config(checkpoint)
    if not osp.isfile(path):
        raise SourceConfigError(f'source config {path} not found')
    cfg = Config.fromfile(path)
    model = cfg.get('model')
    if not isinstance(model, dict) or 'head' not in model:
        raise SourceConfigError(
            f'{path} describes no classifier (its `model` has no head): '
            'pass the config the source checkpoint was trained with '
            '(--source-config)')
    model = model.to_dict()
    preprocessor = cfg.get('data_preprocessor')
    if model.get('data_preprocessor') is None and preprocessor:
        model['data_preprocessor'] = dict(
            type='ClsDataPreprocessor', **dict(preprocessor))
    return model
