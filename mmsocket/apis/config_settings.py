# Copyright (c) mmsocket contributors. All rights reserved.
"""A config's few user values, set once at the top and read everywhere.

mmengine evaluates a base file's variables when it reads the file, so
``data_root = 'x'`` in a leaf or ``--cfg-options data_root=x`` changes the
top-level variable but none of the datasets that copied it. Our base
configs therefore *refer* to their settings: a value ``'${data_root}'``
(the whole string) or ``'annotations/${domain}_tr.json'`` (inside a string)
stands for the top-level key, and :func:`resolve_config` replaces every
reference after all overrides are merged. A nested value written out (a
path instead of ``'${data_root}'``) is not a reference and stays as it is.

Every entry point that builds a Runner resolves: ``tools/train.py``,
``tools/test.py`` (:mod:`.runner_args`), :func:`.experiment.load_config`
and :func:`.experiment.run_config` (grids, quick starts). Code that builds
a Runner from a config itself calls ``resolve_config(cfg)`` first.

The settings (docs/get_started.md#the-settings-of-a-config):

==================== =====================================================
``data_root``        the converted data set
``domain``           the domain whose annotation files are used
``train_ann_file``,  a source model's training / validation split
``val_ann_file``
``target_ann_file``  the target set (adaptation and evaluation)
``ti_ann_file``,     the task-irrelevant pairs (their root defaults to
``ti_data_root``     ``data_root``)
``num_classes``      classes of the heads; ``None``: read from the data
``classes``          optional class list, checked against the data
``depth_range``      metres mapped to [0, 255]; ``None``: the converter's
                     ``depth_range_m`` in ``<data_root>/meta.json``
``source_modality``, what the source model saw / the target modality
``target_modality``
``source_model``     the source classifier of every transfer source
``source_checkpoints`` the source models' weights (``model.sources``)
==================== =====================================================

``num_classes`` is checked against every task-relevant annotation file
that exists, so a forgotten class count fails before anything is built.
"""
import copy
import json
import os.path as osp
import re
from typing import Any, Dict, List, Optional, Set, Tuple

from mmengine.config import Config

#: ``${key}``: a reference to the top-level key ``key``.
REFERENCE = re.compile(r'\$\{(\w+)\}')

#: The documented settings (the resolver derives two when they are None).
SETTINGS = ('data_root', 'domain', 'train_ann_file', 'val_ann_file',
            'target_ann_file', 'ti_ann_file', 'ti_data_root', 'num_classes',
            'classes', 'depth_range', 'source_modality', 'target_modality',
            'source_model', 'source_checkpoints')

#: Top-level keys mmengine's Runner (or our tools) read: a key close to one
#: of these or to a setting, and used by nothing, is reported as a typo.
RUNNER_KEYS = ('model', 'work_dir', 'train_dataloader', 'val_dataloader',
               'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg',
               'auto_scale_lr', 'optim_wrapper', 'param_scheduler',
               'val_evaluator', 'test_evaluator', 'default_hooks',
               'custom_hooks', 'data_preprocessor', 'load_from', 'resume',
               'launcher', 'env_cfg', 'log_processor', 'log_level',
               'visualizer', 'default_scope', 'randomness', 'experiment_name',
               'runner_type', 'model_wrapper_cfg', 'custom_imports',
               'vis_backends')

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


class ConfigSettingsError(ValueError):
    """A setting is missing, misspelt or disagrees with the data."""


def _path(where: str, key) -> str:
    return f'{where}.{key}' if where else str(key)


class _Resolver:
    """Resolves top-level keys on demand, each once, refusing cycles."""

    def __init__(self, cfg: Dict[str, Any]) -> None:
        self.raw = cfg
        self.done: Dict[str, Any] = {}
        self.active: List[str] = []
        self.referenced: Set[str] = set()
        self.derived: Dict[str, str] = {}

    def value(self, key: str, where: str = '') -> Any:
        if key in self.done:
            return self.done[key]
        if key in self.active:
            chain = ' -> '.join(self.active[self.active.index(key):] + [key])
            raise ConfigSettingsError(
                f'config settings refer to each other in a circle: {chain}')
        if key not in self.raw:
            raise ConfigSettingsError(
                f'{where} refers to the setting {key!r} ("${{{key}}}"), but '
                f'the config has no top-level {key!r}: set it in your '
                f'config ({key} = ...) or with --cfg-options {key}=...'
                f'{_did_you_mean(key, self.raw)}')
        self.active.append(key)
        try:
            raw = self.raw[key]
            if raw is None and key in DERIVED:
                value, how = DERIVED[key](self)
                self.derived[key] = how
            else:
                value = self.substitute(raw, key)
        finally:
            self.active.pop()
        self.done[key] = value
        return value

    def substitute(self, obj: Any, where: str) -> Any:
        """``obj`` with every reference replaced (a new object)."""
        if isinstance(obj, dict):
            return {
                k: self.substitute(v, _path(where, k))
                for k, v in obj.items()
            }
        if isinstance(obj, (list, tuple)):
            return type(obj)(self.substitute(v, _path(where, i))
                             for i, v in enumerate(obj))
        if not isinstance(obj, str) or '${' not in obj:
            return obj
        whole = REFERENCE.fullmatch(obj)
        if whole:
            self.referenced.add(whole.group(1))
            return copy.deepcopy(self.value(whole.group(1), where))

        def text(match) -> str:
            self.referenced.add(match.group(1))
            value = self.value(match.group(1), where)
            if not isinstance(value, (str, int, float)):
                raise ConfigSettingsError(
                    f'{where} = {obj!r} puts the setting {match.group(1)!r} '
                    f'into a string, but its value is {value!r}')
            return str(value)

        out = REFERENCE.sub(text, obj)
        if '${' in out:
            raise ConfigSettingsError(
                f'{where} = {obj!r}: "${{...}}" must name one top-level '
                'key, e.g. "${data_root}"')
        return out


# ------------------------------------------------------------ derived keys
def tr_annotation_files(cfg: Dict[str, Any]) -> List[Tuple[str, str]]:
    """``(where, path)`` of the task-relevant annotation files a resolved
    config reads: the training set (a multi-stream set's primary stream),
    the validation and the test set. TI streams have their own classes."""
    out = []
    for key in LOADERS:
        loader = cfg.get(key)
        if not isinstance(loader, dict):
            continue
        dataset, where = loader.get('dataset'), f'{key}.dataset'
        if isinstance(dataset, dict) and 'streams' in dataset:
            primary = dataset.get('primary')
            where = f'{where}.streams.{primary}'
            dataset = (dataset.get('streams') or {}).get(primary)
        if not isinstance(dataset, dict) or not isinstance(
                dataset.get('ann_file'), str):
            continue
        path = osp.join(dataset.get('data_root') or '', dataset['ann_file'])
        if (where, path) not in out and path.endswith('.json'):
            out.append((where, path))
    return out


def annotation_classes(path: str) -> Optional[list]:
    """The class list of an existing annotation file (None if absent).

    Raises:
        ConfigSettingsError: The file is malformed (the message gives its
            line and column).
    """
    if not osp.isfile(path):
        return None
    from ..datasets.annotation_file import read_annotation_file
    try:
        classes = read_annotation_file(path)['metainfo'].get('classes')
    except ValueError as e:
        raise ConfigSettingsError(str(e)) from None
    return list(classes) if classes is not None else None


def _loaders(resolver: _Resolver) -> Dict[str, Any]:
    return {
        k: resolver.value(k, k)
        for k in LOADERS if k in resolver.raw and k not in resolver.active
    }


def _derive_num_classes(resolver: _Resolver):
    classes = resolver.raw.get('classes')
    if classes is not None:
        return len(resolver.value('classes')), 'len(classes)'
    files = list(
        dict.fromkeys(p for _, p in tr_annotation_files(_loaders(resolver))))
    for path in files:
        found = annotation_classes(path)
        if found is not None:
            return len(found), f'the class list of {path}'
    from .input_checks import missing_data_hint
    hint = missing_data_hint(osp.dirname(osp.dirname(files[0]))) \
        if files else ': convert the data first (docs/dataset_prepare.md)'
    raise ConfigSettingsError(
        'num_classes is None (read it from the data), but no task-relevant '
        f'annotation file to read it from exists ({", ".join(files)})'
        f'{hint}; or set num_classes (or classes) in the config or with '
        '--cfg-options num_classes=N')


def _derive_depth_range(resolver: _Resolver):
    root = resolver.value('data_root', 'depth_range') \
        if 'data_root' in resolver.raw else None
    meta = osp.join(root or '', 'meta.json')
    if root and osp.isfile(meta):
        with open(meta, encoding='utf-8') as f:
            info = json.load(f)
        rng = info.get('depth_range_m')
        if rng is not None:
            return tuple(float(v) for v in rng), f'{meta} (depth_range_m)'
        if 'depth' not in info.get('modalities', ['depth']):
            # No depth to scale (RGB / NIR data): LoadModality's default.
            return (0.0, 10.0), f'nothing ({root} has no depth)'
    if root and osp.isfile(meta):
        hint = ', which has no "depth_range_m"'
    else:
        from .input_checks import data_command
        hint = f' (not found): make the data first: {data_command(root)}'
    raise ConfigSettingsError(
        'depth_range is None (take the range the converter recorded in '
        f'meta.json), but {meta}{hint}; or set depth_range = (lo, hi) in '
        'metres in the config or with --cfg-options "depth_range=(0,10)"')


#: Settings whose value None means "derive it": key -> function(resolver)
#: returning ``(value, how)``.
DERIVED = dict(
    num_classes=_derive_num_classes, depth_range=_derive_depth_range)


# ----------------------------------------------------------- the structure
def _expand_sources(cfg: Dict[str, Any]) -> None:
    """``model.sources`` from ``source_checkpoints`` (when the config lists
    no source), and every source without a ``model`` gets
    ``source_model``."""
    model = cfg.get('model')
    if not isinstance(model, dict) or 'sources' not in model:
        return
    ckpts = cfg.get('source_checkpoints')
    if isinstance(ckpts, str):
        ckpts = [ckpts]
    if not model['sources'] and ckpts:
        model['sources'] = [dict(checkpoint=c) for c in ckpts]
    for src in model['sources'] or ():
        if isinstance(src, dict) and src.get('model') is None:
            src['model'] = '${source_model}'


# ------------------------------------------------------- merging options
def _option_paths(options: dict, prefix: Tuple[str, ...] = ()):
    """The key paths an options dict (``--cfg-options`` form, dotted keys
    and/or nested dicts) writes to."""
    for key, value in options.items():
        path = prefix + tuple(str(key).split('.'))
        if isinstance(value, dict) and not value.get('_delete_', False):
            yield from _option_paths(value, path)
        else:
            yield path


def _referenced_value(cfg: Config, value: Any) -> Any:
    """What a whole-string reference (or a chain of them) stands for, still
    unresolved inside."""
    seen = set()
    while isinstance(value, str) and REFERENCE.fullmatch(value):
        key = REFERENCE.fullmatch(value).group(1)
        if key in seen or key not in cfg:
            return None
        seen.add(key)
        value = cfg[key]
    return copy.deepcopy(value)


def _materialize(cfg: Config, path: Tuple[str, ...]) -> None:
    """Replace the references an option's path descends into by copies of
    their values (and list ``model.sources`` from ``source_checkpoints``),
    so ``test_dataloader.dataset.pipeline.0.depth_range=...`` edits the
    test loader's own copy of ``test_pipeline``."""
    node = cfg
    for depth, part in enumerate(path[:-1]):
        key = int(part) if isinstance(node, list) and part.isdigit() else part
        if path[:depth + 1] == ('model', 'sources') and isinstance(
                node.get('sources'), list) and not node['sources']:
            raw = {
                'model': node,
                **{
                    k: cfg[k]
                    for k in ('source_checkpoints', ) if k in cfg
                }
            }
            _expand_sources(raw)
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            return
        if isinstance(child, str) and REFERENCE.fullmatch(child):
            value = _referenced_value(cfg, child)
            if value is None:
                return
            node[key] = value
            child = node[key]
        node = child


def merge_options(cfg: Config, options: Optional[dict]) -> Config:
    """``cfg.merge_from_dict(options)`` that also works below a reference.

    Options of top-level keys that are no Runner keys (the settings,
    ``test_pipeline``, ``source_model``...) are merged first, so every
    reference to them follows; then the others, each applied to its own
    copy of a referenced value it descends into (an explicit nested value,
    which then wins).
    """
    if not options:
        return cfg
    first = {
        k: v
        for k, v in options.items() if str(k).split('.')[0] not in RUNNER_KEYS
    }
    rest = {k: v for k, v in options.items() if k not in first}
    if first:
        cfg.merge_from_dict(first)
    for path in _option_paths(rest):
        _materialize(cfg, path)
    if rest:
        cfg.merge_from_dict(rest)
    return cfg


# ----------------------------------------------------------------- checks
def _did_you_mean(key: str, known) -> str:
    close = sorted(k for k in known if one_typo_apart(key, k))
    return f' (did you mean {close[0]!r}?)' if close else ''


def one_typo_apart(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution
    or swap of neighbouring characters."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _check_typos(cfg: Dict[str, Any], referenced: Set[str]) -> None:
    """Refuse a top-level key that nothing reads and that is one typo away
    from a setting or a Runner key (``data_rot``, ``num_clases``,
    ``source_checkpoint``)."""
    known = set(SETTINGS) | set(RUNNER_KEYS) | referenced
    for key in cfg:
        if key in known or key.startswith('_'):
            continue
        close = sorted(k for k in known if one_typo_apart(key, k))
        if close:
            raise ConfigSettingsError(
                f'the config sets {key!r}, which nothing reads; did you '
                f'mean {close[0]!r}? (settings: docs/get_started.md'
                '#the-settings-of-a-config)')


def check_class_lists(cfg: Dict[str, Any]) -> None:
    """``num_classes`` and ``classes`` against every task-relevant
    annotation file that exists (the source head is built from
    ``num_classes``; a 12-way head would train silently on 8 classes)."""
    num_classes, classes = cfg.get('num_classes'), cfg.get('classes')
    if not isinstance(num_classes, int) and classes is None:
        return
    for where, path in tr_annotation_files(cfg):
        found = annotation_classes(path)
        if found is None:
            continue
        if classes is not None and list(classes) != found:
            raise ConfigSettingsError(
                f'classes = {list(classes)}, but {path} ({where}) lists '
                f'{found} (labels index that list, alphabetically): give '
                'the same list, or remove `classes` to take the file\'s')
        if isinstance(num_classes, int) and num_classes != len(found):
            raise ConfigSettingsError(
                f'num_classes = {num_classes}, but {path} ({where}) lists '
                f'{len(found)} classes {found}: set num_classes = '
                f'{len(found)} (or None to read it from the data) in your '
                f'config, or pass --cfg-options num_classes={len(found)}')


def _resolve(cfg: Config) -> Tuple[Dict[str, Any], _Resolver]:
    raw = copy.deepcopy(cfg.to_dict())
    _expand_sources(raw)
    resolver = _Resolver(raw)
    # What the Runner reads first, so that an error names that place.
    order = sorted(raw, key=lambda k: k not in RUNNER_KEYS)
    resolved = {key: resolver.value(key, key) for key in order}
    resolved = {key: resolved[key] for key in raw}
    _check_typos(raw, resolver.referenced)
    check_class_lists(resolved)
    return resolved, resolver


def resolve_config(cfg: Config) -> Config:
    """Replace every ``${key}`` reference of ``cfg`` by its setting.

    Idempotent: a resolved config has no references left, and resolving it
    again only repeats the checks. Run it after every override is merged.

    Args:
        cfg (Config): The loaded config; modified in place.

    Returns:
        Config: ``cfg``.

    Raises:
        ConfigSettingsError: A referenced setting is missing (the message
            names the place and the key), settings refer to each other in a
            circle, a derived setting cannot be derived, a top-level key
            looks like a misspelt setting, or ``num_classes``/``classes``
            disagree with the annotation files.
    """
    resolved, _ = _resolve(cfg)
    for key, value in resolved.items():
        cfg[key] = value
    return cfg


def derived_settings(cfg: Config) -> Dict[str, str]:
    """How :func:`resolve_config` derives each setting left None (e.g.
    ``{'num_classes': "8 from the class list of data/x/..."}``), for the
    tools that show a config; ``cfg`` is not changed."""
    resolved, resolver = _resolve(cfg)
    return {
        k: f'{resolved[k]!r} from {how}'
        for k, how in resolver.derived.items()
    }
