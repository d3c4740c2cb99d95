# Copyright (c) mmsocket contributors. All rights reserved.
from .checkpoint_keys_hook import CheckpointKeysHook, CheckpointMismatchError
from .divergence_guard_hook import DivergenceError, DivergenceGuardHook
from .exact_resume_hook import ExactResumeHook
from .export_checkpoint_hook import ExportCheckpointHook
from .global_batch_hook import GlobalBatchHook
from .loss_gradient_scale_hook import LossGradientScaleHook
from .pass_progress import LoggedPass
from .prediction_visualization_hook import PredictionVisualizationHook
from .progress_bar_hook import ProgressBarHook
from .pseudo_label_hook import PseudoLabelHook
from .pseudo_label_monitor import PseudoLabelMonitor
from .ti_feature_bank_hook import TIFeatureBankHook
from .work_dir_lock_hook import WorkDirLockHook

__all__ = [
    'ExportCheckpointHook', 'PseudoLabelHook', 'TIFeatureBankHook',
    'ProgressBarHook', 'PseudoLabelMonitor', 'LoggedPass',
    'LossGradientScaleHook', 'PredictionVisualizationHook',
    'CheckpointKeysHook', 'CheckpointMismatchError', 'DivergenceError',
    'DivergenceGuardHook', 'ExactResumeHook', 'GlobalBatchHook',
    'WorkDirLockHook'
]
