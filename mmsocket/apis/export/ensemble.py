# Copyright (c) mmsocket contributors. All rights reserved.
"""The zeta-ensemble (or one classifier) as one self-contained module:
TorchScript (``torch.jit.load``, plain torch) and ONNX (any ONNX runtime).

Input: float32 ``N x 3 x H x W``, **RGB** channel order, values 0-255 (for
depth: the 8-bit encoded map, replicated), at the size the exported
pipeline produces. Output: class probabilities ``softmax(sum_j zeta_j
g_j(f_j(x)))``, ``N x K``. The normalisation (mean/std, and the channel
order the source models were trained with) is inside the module.
"""
import importlib.util
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn

__all__ = [
    'ZetaEnsemble', 'save_torchscript', 'check_torchscript', 'save_onnx',
    'check_onnx'
]


class ZetaEnsemble(nn.Module):
    """``softmax(sum_j zeta_j clf_j(normalise(x)))`` over mmpretrain
    ``ImageClassifier``\\ s that share one data preprocessor."""

    def __init__(self, classifiers: Sequence[nn.Module], zeta: torch.Tensor,
                 mean: Sequence[float], std: Sequence[float],
                 bgr_model: bool) -> None:
        super().__init__()
        self.classifiers = nn.ModuleList(classifiers)
        self.register_buffer('zeta', zeta.detach().clone().float())
        self.register_buffer('mean', torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer('std', torch.tensor(std).view(1, -1, 1, 1))
        # Our preprocessors flip mmcv's BGR to RGB (to_rgb=True): the models
        # read RGB, which is this module's input. A model trained on BGR
        # gets the flip here.
        self.bgr_model = bgr_model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.bgr_model:
            x = x.flip(1)
        x = (x - self.mean) / self.std
        logits = self.zeta[0] * self.classifiers[0](x, mode='tensor')
        for j in range(1, len(self.classifiers)):
            logits = logits + self.zeta[j] * self.classifiers[j](
                x, mode='tensor')
        return logits.softmax(1)


def _traceable(module: ZetaEnsemble) -> nn.Module:
    module = module.eval()
    for clf in module.classifiers:
        # The preprocessor is folded into the module: tracing goes around
        # the classifier's own (it is not called by mode='tensor').
        clf.data_preprocessor = nn.Identity()
    return module


def save_torchscript(module: ZetaEnsemble, example: torch.Tensor,
                     path: str) -> None:
    """Trace ``module`` on ``example`` and save it."""
    with torch.no_grad():
        traced = torch.jit.trace(_traceable(module), example)
    traced.save(path)


def check_torchscript(path: str, example: torch.Tensor,
                      expected: torch.Tensor) -> float:
    """Max abs difference of the saved TorchScript (just written by
    :func:`save_torchscript`) from ``expected``."""
    loaded = torch.jit.load(path, map_location='cpu').eval()
    with torch.no_grad():
        return float((loaded(example) - expected).abs().max())


def _available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def save_onnx(module: ZetaEnsemble, example: torch.Tensor,
              path: str) -> Optional[str]:
    """Export with ``torch.onnx.export`` (the torch.export-based exporter,
    batch size dynamic); returns why not if ``onnx``/``onnxscript`` are
    missing."""
    missing = [m for m in ('onnx', 'onnxscript') if not _available(m)]
    if missing:
        return (f'ONNX export needs {" and ".join(missing)}: pip install '
                'onnx onnxscript onnxruntime (requirements/tests.txt)')
    batch = torch.export.Dim('batch', min=1, max=1024)
    with torch.no_grad():
        torch.onnx.export(
            _traceable(module), (example, ),
            path,
            dynamo=True,
            external_data=False,
            input_names=['image'],
            output_names=['probabilities'],
            dynamic_shapes=({
                0: batch
            }, ),
            verbose=False)
    return None


def check_onnx(path: str, example: torch.Tensor,
               expected: torch.Tensor) -> Dict[str, object]:
    """Run the ONNX file with ONNX Runtime (if installed) on ``example``:
    ``max_abs_diff`` from ``expected`` (PyTorch), or why it was not run."""
    if not _available('onnxruntime'):
        return dict(
            onnxruntime=None,
            skipped='onnxruntime is not installed: pip install '
            'onnxruntime to check the ONNX file')
    import onnxruntime as ort
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    got = session.run(None, {'image': example.numpy()})[0]
    return dict(
        onnxruntime=ort.__version__,
        max_abs_diff=float(abs(got - expected.numpy()).max()))


def preprocessor_stats(cfg: Optional[dict]) -> List:
    """mean, std and whether the model reads BGR, of a
    ``ClsDataPreprocessor`` config."""
    cfg = dict(cfg or {})
    if cfg.get('type', 'ClsDataPreprocessor') != 'ClsDataPreprocessor':
        raise ValueError(f'cannot fold a {cfg.get("type")} into the '
                         'TorchScript/ONNX module')
    mean = cfg.get('mean') or [0.0, 0.0, 0.0]
    std = cfg.get('std') or [1.0, 1.0, 1.0]
    to_rgb = bool(cfg.get('to_rgb', cfg.get('bgr_to_rgb', False)))
    return [list(map(float, mean)), list(map(float, std)), not to_rgb]
