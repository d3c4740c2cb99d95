# Copyright (c) mmsocket contributors. All rights reserved.
from .bn_stats import BNStatsRecorder, NoBatchNormError
from .cluster_pseudo_labeler import ClusterPseudoLabeler
from .gather import gather_by_index
from .global_batch import (GlobalBatchNorm1d, GlobalBatchNorm2d,
                           GlobalBatchNorm3d, batch_mean, batch_sum,
                           convert_global_batchnorm, global_batch,
                           global_batch_active, global_moments)
from .grad_accumulation import accumulates, backward_uncounted
from .misc import add_prefix, freeze, match_size, temporarily_frozen
from .object_mix import ObjectMix, object_mix_mask
from .source_checkpoints import (looks_like_torchvision_resnet,
                                 read_source_checkpoint,
                                 torchvision_resnet_to_mmpretrain)
from .source_models import (PerSourceModules, SourceEncoder, SourceEncoders,
                            SourceMixer, SourceSet, build_preprocessors,
                            build_source_classifier, build_sources,
                            feature_width, mix)

__all__ = [
    'ObjectMix', 'object_mix_mask', 'BNStatsRecorder', 'NoBatchNormError',
    'ClusterPseudoLabeler', 'gather_by_index', 'SourceEncoder',
    'SourceEncoders', 'SourceMixer', 'SourceSet', 'PerSourceModules',
    'build_preprocessors', 'build_sources', 'build_source_classifier',
    'feature_width', 'mix', 'freeze', 'temporarily_frozen', 'add_prefix',
    'match_size', 'accumulates', 'backward_uncounted',
    'read_source_checkpoint', 'torchvision_resnet_to_mmpretrain',
    'looks_like_torchvision_resnet', 'GlobalBatchNorm1d', 'GlobalBatchNorm2d',
    'GlobalBatchNorm3d', 'batch_mean', 'batch_sum', 'convert_global_batchnorm',
    'global_batch', 'global_batch_active', 'global_moments'
]
