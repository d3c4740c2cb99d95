# Copyright (c) mmsocket contributors. All rights reserved.
# Importing atomic_backend registers the 'atomic_local' file backend.
from .atomic_backend import (AtomicLocalBackend, DiskFullError, atomic_write,
                             remove_leftovers)
from .checkpoint import (IncompleteCheckpointError, UnsafeCheckpointError,
                         checkpoint_format, checkpoint_safe_globals,
                         find_latest_checkpoint, history_buffer_statistic,
                         is_complete_checkpoint, load_data_file, refuse_unsafe,
                         register_checkpoint_safe_globals, safe_torch_load,
                         unusable_checkpoints)
from .config_diff import config_changes, flatten_config, literal_config
from .dist import (check_same_config, cleanup_distributed,
                   cpu_model_wrapper_cfg, init_cpu_dist,
                   is_accelerator_available, setup_distributed)
from .rng_state import derive_seed, fork_rng, get_rng_state, set_rng_state
from .run_setup_cache import cache_run_setup, uncache_run_setup
from .setup_env import register_all_modules
from .state_dict_keys import (compare_state_dict, describe_mismatch,
                              hide_wrapper_prefixes, map_wrapper_keys)
from .work_dir import default_work_dir
from .work_dir_lock import (LOCK_FILE, WorkDirInUseError, acquire_work_dir,
                            lock_work_dir, release_work_dir, takeover_note,
                            unlock_work_dir, work_dir_lock)
from .worker_seeding import EpochSeededWorkers

__all__ = [
    'AtomicLocalBackend', 'atomic_write', 'IncompleteCheckpointError',
    'UnsafeCheckpointError', 'checkpoint_format', 'checkpoint_safe_globals',
    'find_latest_checkpoint', 'history_buffer_statistic',
    'is_complete_checkpoint', 'load_data_file', 'refuse_unsafe',
    'register_checkpoint_safe_globals', 'safe_torch_load',
    'unusable_checkpoints', 'cleanup_distributed', 'cpu_model_wrapper_cfg',
    'init_cpu_dist', 'is_accelerator_available', 'setup_distributed',
    'register_all_modules', 'default_work_dir', 'DiskFullError',
    'remove_leftovers', 'config_changes', 'flatten_config', 'literal_config',
    'check_same_config', 'derive_seed', 'fork_rng', 'get_rng_state',
    'set_rng_state', 'compare_state_dict', 'describe_mismatch',
    'hide_wrapper_prefixes', 'map_wrapper_keys', 'LOCK_FILE',
    'WorkDirInUseError', 'acquire_work_dir', 'lock_work_dir',
    'release_work_dir', 'takeover_note', 'unlock_work_dir', 'work_dir_lock',
    'EpochSeededWorkers', 'cache_run_setup', 'uncache_run_setup'
]
