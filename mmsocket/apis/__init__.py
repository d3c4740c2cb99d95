# Copyright (c) mmsocket contributors. All rights reserved.
"""What the tools share, as a library (mmpretrain's ``apis``).

``tools/*.py`` are thin command lines over these: a config's settings
(:mod:`.config_settings`), the train/test options and how they change a
config (:mod:`.runner_args`), the in-process runner
of grids and quick starts (:mod:`.experiment`, :mod:`.runs`), table specs,
grid running and table rendering (:mod:`.table_spec`, :mod:`.grid`,
:mod:`.table_render`, :mod:`.table_format`), the quick-start pipelines and
the analysis tools and their pictures (confusion matrix, feature
embedding, training curves, translation and depth grids, the modality gap;
docs/visualization.md). The step benchmarks (:mod:`.benchmark`) and the
config generator with its settings table (:mod:`.paper_configs`) are
imported on use.
"""
from .cka import linear_cka
from .config_settings import (ConfigSettingsError, derived_settings,
                              merge_options, resolve_config)
from .confusion import confusion_matrix
from .depth_baselines import depth_baselines, format_depth_baselines
from .depth_domain_stats import (depth_domain_stats, format_depth_domain_stats,
                                 image_set_stats)
from .depth_grid import depth_grid
from .experiment import (find_config, load_config, prepare_config, read_result,
                         repo_root, run_config, write_result)
from .feature_embedding import feature_embedding
from .grid import parse_shard, run_table, train_sources
from .inference import eval_loader_cfg, init_model
from .input_checks import InputError, check_checkpoint_classes, check_inputs
from .modality_gap import format_modality_gap, modality_gap
from .prediction_dump import load_prediction_dump
from .quickstart import Quickstart
from .quickstart_tgkt import quickstart_tgkt
from .runner_args import (add_cfg_options, add_dump_results, add_show_dir,
                          build_runner, dataloader_defaults, enable_amp,
                          launched, merge_test_args, merge_train_args,
                          parse_test_args, parse_train_args, preflight,
                          report_metrics, resolve_resume, user_errors)
from .runs import Run, execute, execute_all, train_source
from .table_format import markdown_table, mean_std, per_seed
from .table_render import cell_values, render_table
from .table_spec import (TableSpec, is_test_only, plan_runs, redirect_paths,
                         replicates, run_dir)
from .training_curves import training_curves
from .transfer_matrix import format_transfer_matrix, transfer_matrix
from .translation_grid import translation_grid

__all__ = [
    'ConfigSettingsError', 'derived_settings', 'merge_options',
    'resolve_config', 'depth_baselines', 'format_depth_baselines',
    'depth_domain_stats', 'format_depth_domain_stats', 'image_set_stats',
    'depth_grid', 'find_config', 'load_config', 'prepare_config',
    'read_result', 'repo_root', 'run_config', 'write_result', 'parse_shard',
    'run_table', 'train_sources', 'eval_loader_cfg', 'init_model',
    'InputError', 'check_checkpoint_classes', 'check_inputs', 'Quickstart',
    'add_cfg_options', 'add_dump_results', 'build_runner',
    'dataloader_defaults', 'enable_amp', 'launched', 'merge_test_args',
    'merge_train_args', 'parse_test_args', 'parse_train_args', 'preflight',
    'report_metrics', 'resolve_resume', 'Run', 'execute', 'execute_all',
    'train_source', 'markdown_table', 'mean_std', 'per_seed', 'cell_values',
    'render_table', 'TableSpec', 'is_test_only', 'plan_runs', 'run_dir',
    'format_transfer_matrix', 'transfer_matrix', 'translation_grid',
    'linear_cka', 'confusion_matrix', 'feature_embedding',
    'format_modality_gap', 'modality_gap', 'load_prediction_dump',
    'training_curves', 'add_show_dir', 'user_errors', 'quickstart_tgkt',
    'redirect_paths', 'replicates'
]
