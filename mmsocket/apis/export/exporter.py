# Copyright (c) mmsocket contributors. All rights reserved.
"""Export an adapted model for use without mmsocket (docs/export.md).

Writes into ``out_dir``:

- ``model.py`` + ``model.pth`` (one source), or ``source<j>.py`` +
  ``source<j>.pth`` per source: stock mmpretrain ``ImageClassifier``
  configs and checkpoints (``get_model``, ``ImageClassificationInferencer``,
  mmpretrain's tools; the class list in ``meta.dataset_meta``, the target
  modality's test pipeline and normalisation in the config);
- ``ensemble.pt`` (TorchScript) and ``ensemble.onnx``: the zeta-ensemble
  (or the one classifier) as one module with the normalisation inside;
- ``test_set/`` (with ``encode_test_set``): the config's test images
  encoded as the exported pipeline reads them (depth -> 8 bits, see
  :mod:`.target_images`), which the exported configs' ``test_dataloader``
  points at;
- ``export.json``: what was written, the input specification, and the
  checks (each exported classifier against the original, TorchScript and
  ONNX Runtime against PyTorch).
"""
import json
import os
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config

from ..experiment import load_config
from .ensemble import (ZetaEnsemble, check_onnx, check_torchscript,
                       preprocessor_stats, save_onnx, save_torchscript)
from .mmpretrain_model import (build_mmpretrain, read_adapted_model,
                               to_mmpretrain)
from .target_images import (encode_test_set, exported_pipeline,
                            loader_settings, pipeline_size)
from .weights import save_weights

__all__ = ['export_model']

# Agreement required of TorchScript / ONNX Runtime with PyTorch
# (probabilities; float32 kernels differ in summation order).
TOLERANCE = 1e-4


def _classes(cfg: Config, found: Optional[list]) -> Optional[list]:
    if found is not None:
        return found
    meta = cfg.test_dataloader.dataset.get('metainfo') or {}
    return list(meta['classes']) if meta.get('classes') else None


def _config_text(model: dict, pipeline: list, data_root: str,
                 classes: Optional[list], batch_size: int) -> str:
    dataset = dict(
        type='CustomDataset', data_root=data_root, pipeline=pipeline)
    if classes is not None:
        dataset['metainfo'] = dict(classes=list(classes))
    cfg = Config(
        dict(
            default_scope='mmpretrain',
            model=model,
            test_pipeline=pipeline,
            test_dataloader=dict(
                batch_size=batch_size,
                num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dataset),
            test_evaluator=dict(type='Accuracy', topk=(1, )),
            test_cfg=dict()))
    header = ('# Exported by mmsocket (tools/model_converters/export.py): a '
              'stock mmpretrain model;\n# reads images encoded as '
              'docs/export.md says (depth: 8-bit, 3 channels).\n')
    return header + cfg.pretty_text


def export_model(config: str,
                 checkpoint: str,
                 out_dir: str,
                 encode_test: bool = False,
                 torchscript: bool = True,
                 onnx: bool = True,
                 cfg_options: Optional[dict] = None,
                 max_samples: Optional[int] = None) -> dict:
    """Export ``checkpoint`` of ``config`` into ``out_dir``; return the
    summary also written to ``out_dir/export.json``.

    Raises:
        FileExistsError: ``out_dir`` is not empty (nothing is overwritten).
        RuntimeError: TorchScript or ONNX Runtime disagrees with PyTorch.
    """
    if osp.isdir(out_dir) and os.listdir(out_dir):
        raise FileExistsError(f'{out_dir} is not empty: give a new folder '
                              '(nothing was written)')
    cfg = load_config(config, cfg_options)
    adapted = read_adapted_model(cfg, checkpoint)
    pipeline = exported_pipeline(cfg)
    size = pipeline_size(pipeline)
    exported = [
        to_mmpretrain(src, state, adapted.data_preprocessor, size)
        for src, state in zip(adapted.sources, adapted.state_dicts)
    ]
    classes = _classes(cfg, adapted.classes)
    os.makedirs(out_dir, exist_ok=True)
    summary = dict(
        config=config,
        checkpoint=checkpoint,
        classes=classes,
        zeta=[float(z) for z in adapted.zeta],
        target=loader_settings(cfg),
        input=dict(
            size_hw=list(size),
            layout='N x 3 x H x W float32, RGB, 0-255 (TorchScript/ONNX); '
            'the mmpretrain configs read encoded PNGs'),
        files={},
        checks=dict(mmpretrain_vs_original=[e.max_abs_diff for e in exported]))

    data_root = osp.join(osp.abspath(out_dir), 'test_set')
    if encode_test:
        written = encode_test_set(cfg, data_root, max_samples)
        summary['files']['test_set'] = dict(
            path=data_root, images=len(written))
    names = ['model'] if len(exported) == 1 else [
        f'source{j}' for j in range(len(exported))
    ]
    batch_size = int(cfg.test_dataloader.get('batch_size', 32))
    for name, e in zip(names, exported):
        cfg_path = osp.join(out_dir, f'{name}.py')
        with open(cfg_path, 'w') as f:
            f.write(
                _config_text(e.config, pipeline, data_root, classes,
                             batch_size))
        meta = dict(dataset_meta=dict(classes=classes)) if classes else {}
        save_weights(osp.join(out_dir, f'{name}.pth'), e.state_dict, meta)
        summary['files'][name] = [cfg_path, osp.join(out_dir, f'{name}.pth')]

    if torchscript or onnx:
        mean, std, bgr = preprocessor_stats(adapted.data_preprocessor)
        module = ZetaEnsemble(
            [build_mmpretrain(e.config, e.state_dict) for e in exported],
            adapted.zeta, mean, std, bgr).eval()
        g = torch.Generator().manual_seed(0)
        example = torch.randint(0, 256, (2, 3, *size), generator=g).float()
        with torch.no_grad():
            expected = module(example)
        if torchscript:
            path = osp.join(out_dir, 'ensemble.pt')
            save_torchscript(module, example, path)
            diff = check_torchscript(path, example, expected)
            summary['files']['torchscript'] = path
            summary['checks']['torchscript_vs_pytorch'] = diff
            if not diff <= TOLERANCE:
                raise RuntimeError(f'TorchScript differs from PyTorch by '
                                   f'{diff:.3g} (> {TOLERANCE})')
        if onnx:
            path = osp.join(out_dir, 'ensemble.onnx')
            why_not = save_onnx(module, example, path)
            if why_not:
                summary['checks']['onnx'] = dict(skipped=why_not)
            else:
                check = check_onnx(path, example, expected)
                summary['files']['onnx'] = path
                summary['checks']['onnx'] = check
                diff = check.get('max_abs_diff')
                if diff is not None and not diff <= TOLERANCE:
                    raise RuntimeError(f'ONNX Runtime differs from PyTorch '
                                       f'by {diff:.3g} (> {TOLERANCE})')
    with open(osp.join(out_dir, 'export.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    return summary
