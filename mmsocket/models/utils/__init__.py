# Copyright (c) mmsocket contributors. All rights reserved.
from .bn_stats import BNStatsRecorder
from .cluster_pseudo_labeler import ClusterPseudoLabeler
from .gather import gather_by_index
from .object_mix import ObjectMix, object_mix_mask
from .source_models import (SourceEncoder, SourceEncoders, SourceMixer,
                            SourceSet, build_preprocessors,
                            build_source_classifier, build_sources, freeze,
                            mix)

__all__ = [
    'ObjectMix', 'object_mix_mask', 'BNStatsRecorder', 'ClusterPseudoLabeler',
    'gather_by_index', 'SourceEncoder', 'SourceEncoders', 'SourceMixer',
    'SourceSet', 'build_preprocessors', 'build_sources',
    'build_source_classifier', 'freeze', 'mix'
]
