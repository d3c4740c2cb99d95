# Copyright (c) mmsocket contributors. All rights reserved.
"""Draw test predictions onto the images the model saw (``--show-dir``).

mmpretrain's ``VisualizationHook`` names each output after the image's file
name, but every sample of our data format is ``<sample>/depth.png``, so all
outputs would overwrite one file; and the transfer models' predictions carry
scores without a label. This hook keeps mmpretrain's drawing
(``UniversalVisualizer.visualize_cls``: true and predicted class with its
score over the image) and names each file after the sample's index and
folder.
"""
import os.path as osp
from typing import Optional, Sequence

import numpy as np
from mmengine.hooks import Hook
from mmengine.visualization import Visualizer

from mmsocket.registry import HOOKS


def sample_file_name(sample, index: int) -> str:
    """``<index>_<parent folders>_<file stem>.png``: unique per sample,
    readable (``00017_kv1_bathroom_000017_depth.png``)."""
    path = sample.get('img_path')
    if not path:
        return f'{index:05d}.png'
    parts = osp.normpath(path).split(osp.sep)[-4:]
    parts[-1] = osp.splitext(parts[-1])[0]
    return f'{index:05d}_' + '_'.join(p for p in parts if p) + '.png'


@HOOKS.register_module()
class PredictionVisualizationHook(Hook):
    """Save every ``interval``-th test image with its true and predicted
    class (and score) drawn on it, to ``out_dir``.

    The image is the network's input before normalisation: for depth or NIR
    the 8-bit image ``LoadModality`` made. The runner's visualizer must be
    mmpretrain's ``UniversalVisualizer`` (``tools/test.py --show-dir`` sets
    it). Under DDP only rank 0 draws (the visualizer is master-only), i.e.
    its shard of the test set.

    Args:
        out_dir (str): Where the PNGs go.
        interval (int): Draw one sample in ``interval`` (dataset order).
            Defaults to 1.
        resize (int, optional): Short edge of the drawn image in pixels (so
            that the text fits on small inputs). Defaults to 256.
        to_rgb (bool): The inputs are BGR (mmcv's loading) and are shown as
            RGB. Defaults to True.
    """

    priority = 'NORMAL'

    def __init__(self,
                 out_dir: str,
                 interval: int = 1,
                 resize: Optional[int] = 256,
                 to_rgb: bool = True) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.out_dir = out_dir
        self.interval = interval
        self.resize = resize
        self.to_rgb = to_rgb
        self._seen = 0

    def before_test(self, runner) -> None:
        self._seen = 0
        visualizer = Visualizer.get_current_instance()
        if not hasattr(visualizer, 'visualize_cls'):
            raise TypeError(
                'PredictionVisualizationHook draws with mmpretrain\'s '
                'UniversalVisualizer; set visualizer = dict(type='
                '\'mmpretrain.UniversalVisualizer\', vis_backends=...) '
                '(tools/test.py --show-dir does)')

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: dict = None,
                        outputs: Optional[Sequence] = None) -> None:
        visualizer = Visualizer.get_current_instance()
        for image, sample in zip(data_batch['inputs'], outputs or []):
            index = sample.get('sample_idx', self._seen)
            self._seen += 1
            if index % self.interval:
                continue
            sample = sample.clone()
            if 'pred_label' not in sample and 'pred_score' in sample:
                sample.set_pred_label(sample.pred_score.argmax())
            array = image.permute(1, 2, 0).cpu().numpy().astype('uint8')
            if self.to_rgb and array.shape[-1] == 3:
                array = np.ascontiguousarray(array[..., ::-1])
            visualizer.visualize_cls(
                image=array,
                data_sample=sample,
                resize=self.resize,
                out_file=osp.join(self.out_dir,
                                  sample_file_name(sample, index)))
