# Copyright (c) mmsocket contributors. All rights reserved.
from .export_checkpoint_hook import ExportCheckpointHook
from .loss_gradient_scale_hook import LossGradientScaleHook
from .pass_progress import LoggedPass
from .prediction_visualization_hook import PredictionVisualizationHook
from .progress_bar_hook import ProgressBarHook
from .pseudo_label_hook import PseudoLabelHook
from .pseudo_label_monitor import PseudoLabelMonitor
from .ti_feature_bank_hook import TIFeatureBankHook

__all__ = [
    'ExportCheckpointHook', 'PseudoLabelHook', 'TIFeatureBankHook',
    'ProgressBarHook', 'PseudoLabelMonitor', 'LoggedPass',
    'LossGradientScaleHook', 'PredictionVisualizationHook'
]
