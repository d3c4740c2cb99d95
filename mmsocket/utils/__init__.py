# Copyright (c) mmsocket contributors. All rights reserved.
# Importing atomic_backend registers the 'atomic_local' file backend.
from .atomic_backend import AtomicLocalBackend, atomic_write
from .checkpoint import (IncompleteCheckpointError, UnsafeCheckpointError,
                         checkpoint_format, checkpoint_safe_globals,
                         find_latest_checkpoint, history_buffer_statistic,
                         is_complete_checkpoint, load_data_file, refuse_unsafe,
                         register_checkpoint_safe_globals, safe_torch_load,
                         unusable_checkpoints)
from .dist import (cleanup_distributed, cpu_model_wrapper_cfg, init_cpu_dist,
                   is_accelerator_available, setup_distributed)
from .setup_env import register_all_modules
from .work_dir import default_work_dir

__all__ = [
    'AtomicLocalBackend', 'atomic_write', 'IncompleteCheckpointError',
    'UnsafeCheckpointError', 'checkpoint_format', 'checkpoint_safe_globals',
    'find_latest_checkpoint', 'history_buffer_statistic',
    'is_complete_checkpoint', 'load_data_file', 'refuse_unsafe',
    'register_checkpoint_safe_globals', 'safe_torch_load',
    'unusable_checkpoints', 'cleanup_distributed', 'cpu_model_wrapper_cfg',
    'init_cpu_dist', 'is_accelerator_available', 'setup_distributed',
    'register_all_modules', 'default_work_dir'
]
