# Copyright (c) mmsocket contributors. All rights reserved.
"""Check what a run reads before the Runner is built, and say what to run.

A missing source checkpoint, missing annotations or a data set too small
for the batch otherwise surface minutes later as a 30-line traceback (or,
for the batch, as ``epoch_length must be a positive integer, but got 0``
from the LR scheduler). :func:`check_inputs` finds all of them at once and
names, for each, the command that makes the missing file or the setting to
change; a checkpoint evaluated on a test set with other classes is refused
by name (:func:`check_checkpoint_classes`).
"""
import math
import os
import os.path as osp
from typing import Iterator, List, Optional, Tuple

from mmengine.config import Config

from .config_settings import annotation_classes
from .experiment import repo_root

#: How each data set of ours is made, by the folder name of its data root.
DATA_COMMANDS = {
    'synthetic_rgbd':
    'python tools/dataset_converters/generate_synthetic.py '
    '--out {root}',
    'synthetic_depth':
    'python tools/dataset_converters/'
    'generate_synthetic_depth.py --out {root}',
    'sunrgbd':
    'python tools/dataset_converters/sunrgbd.py /path/to/SUNRGBD '
    '--out {root}',
    'diml':
    'python tools/dataset_converters/diml.py /path/to/DIML_sample '
    '--out {root}',
    'rgb_nir':
    'python tools/dataset_converters/rgb_nir.py '
    '/path/to/nirscene1 --out {root}',
}
#: The data sets a user brings: their own folders or the official SOCKET
#: code's layout (docs/dataset_prepare.md).
OWN_DATA_COMMAND = (
    'python tools/dataset_converters/paired_folders.py /path/to/your/folders '
    '--out {root} (or, for the official SOCKET code\'s folders and lists, '
    'python tools/dataset_converters/socket_layout.py /path/to/data/SUN '
    '--out {root})')


class InputError(ValueError):
    """What a run needs is missing or unusable; the message says what to
    run or change (one line per problem)."""


def data_command(root: str) -> str:
    """The command that writes the data set at ``root``."""
    name = osp.basename(osp.normpath(root or '.'))
    for prefix, command in DATA_COMMANDS.items():
        if name.startswith(prefix):
            return command.format(root=root)
    return OWN_DATA_COMMAND.format(root=root or 'DATA_ROOT')


def training_command(checkpoint: str) -> Optional[str]:
    """``python tools/train.py configs/<x>.py`` for a checkpoint that a
    config of ours writes into its default work dir
    (``work_dirs/<x>/<file>``), else None."""
    parts = osp.normpath(checkpoint).split(os.sep)
    if 'work_dirs' not in parts:
        return None
    rel = parts[parts.index('work_dirs') + 1:-1]
    if not rel:
        return None
    config = osp.join('configs', *rel) + '.py'
    for root in ('.', repo_root()):
        if osp.isfile(osp.join(root, config)):
            return f'python tools/train.py {config}'
    return None


# ------------------------------------------------------------- what is read
def _datasets(cfg: Config, keys) -> Iterator[Tuple[str, dict]]:
    """``(where, dataset config)`` of the loaders ``keys``, streams too."""
    for key in keys:
        loader = cfg.get(key)
        if not loader or not isinstance(loader.get('dataset'), dict):
            continue
        dataset = loader['dataset']
        if 'streams' in dataset:
            for name, stream in (dataset.get('streams') or {}).items():
                if isinstance(stream, dict):
                    yield f'{key}.dataset.streams.{name}', stream
        else:
            yield f'{key}.dataset', dataset


def _ann_path(dataset: dict) -> Optional[str]:
    ann = dataset.get('ann_file')
    if not isinstance(ann, str) or not ann:
        return None
    return osp.join(dataset.get('data_root') or '', ann)


def _loaders_of(cfg: Config, mode: str) -> List[str]:
    if mode == 'test':
        return ['test_dataloader']
    keys = ['train_dataloader']
    if cfg.get('val_cfg') is not None and cfg.get('val_dataloader'):
        keys.append('val_dataloader')
    return keys


def _missing_annotations(cfg: Config, mode: str) -> List[str]:
    """One problem per data root with missing annotation files."""
    missing = {}  # data root -> [(where, path)]
    for where, dataset in _datasets(cfg, _loaders_of(cfg, mode)):
        path = _ann_path(dataset)
        if path is not None and not osp.exists(path):
            files = missing.setdefault(dataset.get('data_root') or '', [])
            if path not in [p for _, p in files]:
                files.append((where, path))
    problems = _malformed(cfg, mode)
    for root, files in missing.items():
        listed = ', '.join(f'{p} ({w})' for w, p in files)
        problems.append(f'{listed} not found{missing_data_hint(root)}')
    return problems


def missing_data_hint(root: str) -> str:
    """What to do about missing annotation files under ``root``: pick one
    that exists (a converted data set is there) or make the data."""
    ann_dir = osp.join(root, 'annotations')
    if osp.isfile(osp.join(root, 'meta.json')) and osp.isdir(ann_dir):
        return (f', but {root} holds a converted data set (annotations: '
                f'{", ".join(sorted(os.listdir(ann_dir)))}): set the '
                '`domain` or `*_ann_file` setting to one of its files')
    return f': make the data first: {data_command(root)}'


def _malformed(cfg: Config, mode: str) -> List[str]:
    """The annotation files that exist but do not parse (path, line and
    column in the message)."""
    from ..datasets.annotation_file import read_annotation_file
    problems, seen = [], set()
    for _, dataset in _datasets(cfg, _loaders_of(cfg, mode)):
        path = _ann_path(dataset)
        if path is None or path in seen or not path.endswith('.json') \
                or not osp.isfile(path):
            continue
        seen.add(path)
        try:
            read_annotation_file(path)
        except ValueError as e:
            problems.append(str(e))
    return problems


def _checkpoints(cfg: Config, mode: str) -> Iterator[Tuple[str, str, str]]:
    """``(where, path, what trains it)`` of every checkpoint the run
    loads before or while it builds the model."""
    model = cfg.get('model') or {}
    for i, src in enumerate(model.get('sources') or ()):
        if isinstance(src, dict) and src.get('checkpoint'):
            yield (f'source model {i} (model.sources.{i}.checkpoint)',
                   src['checkpoint'], 'the source model')
    if model.get('translator_checkpoint'):
        yield ('the translator (model.translator_checkpoint)',
               model['translator_checkpoint'], 'the TGMB stage')
    if model.get('teacher_ckpt'):
        yield ('the teacher (model.teacher_ckpt)', model['teacher_ckpt'],
               'the teacher')
    if cfg.get('load_from') and (mode == 'test' or not cfg.get('resume')):
        yield ('load_from', cfg.load_from,
               'the model' if mode == 'test' else 'the initial weights')


def _missing_checkpoints(cfg: Config, mode: str) -> List[str]:
    problems = []
    for where, path, what in _checkpoints(cfg, mode):
        if '://' in path or osp.isfile(path):
            continue
        command = training_command(path)
        fix = (f'train {what} first: {command}'
               if command else f'train {what} first (python tools/train.py '
               '<its config>) or point the setting at an existing file')
        problems.append(f'{where}: {path} does not exist: {fix}')
    return problems


def _count_records(path: str) -> Optional[int]:
    if not path.endswith('.json') or not osp.isfile(path):
        return None
    from ..datasets.annotation_file import read_annotation_file
    return len(read_annotation_file(path)['data_list'])


def _batch_problems(cfg: Config) -> List[str]:
    """A training set smaller than one batch (0 iterations per epoch with
    drop_last, which the LR scheduler reports as 'epoch_length must be a
    positive integer, but got 0'), or a last batch of one sample, on which
    BatchNorm cannot train."""
    loader = cfg.get('train_dataloader')
    if not loader or not isinstance(loader.get('dataset'), dict):
        return []
    dataset = loader['dataset']
    if 'streams' in dataset:
        dataset = (dataset.get('streams') or {}).get(dataset.get('primary'))
    path = _ann_path(dataset) if isinstance(dataset, dict) else None
    n = _count_records(path) if path else None
    batch = loader.get('batch_size', 1)
    if n is None or not isinstance(batch, int):
        return []
    ranks = int(os.environ.get('WORLD_SIZE', 1))
    per_rank = math.ceil(n / ranks)
    on = f' on each of {ranks} ranks' if ranks > 1 else ''
    if loader.get('drop_last', False) and per_rank < batch:
        return [
            f'train_dataloader: {path} holds {n} samples ({per_rank} per '
            f'rank{on}), fewer than batch_size={batch}; with '
            'drop_last=True an epoch has no iteration. Set a batch size of '
            f'at most {per_rank} (--cfg-options train_dataloader.batch_size='
            f'{per_rank}) or train_dataloader.drop_last=False'
        ]
    if not loader.get('drop_last', False) and batch > 1 and \
            per_rank % batch == 1:
        return [
            f'train_dataloader: {path} holds {n} samples ({per_rank} per '
            f'rank{on}): with batch_size={batch} the last batch holds one '
            'sample, on which BatchNorm cannot train. Set '
            'train_dataloader.drop_last=True or another batch size'
        ]
    return []


def check_inputs(cfg: Config, mode: str = 'train') -> None:
    """Check the files a resolved config reads, before building the Runner.

    Args:
        cfg (Config): A resolved config (:func:`.resolve_config`).
        mode (str): ``'train'`` (training set, validation set if
            validating, source/translator/teacher checkpoints, batch size)
            or ``'test'`` (test set, ``load_from`` and its class list).

    Raises:
        InputError: Every problem found, one line each, each with the
            command to run or the setting to change.
    """
    if mode not in ('train', 'test'):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    problems = _missing_annotations(cfg, mode)
    problems += _missing_checkpoints(cfg, mode)
    if mode == 'train' and not problems:
        problems += _batch_problems(cfg)
    if problems:
        raise InputError('\n'.join(['this run cannot start:'] +
                                   [f'  - {p}' for p in problems]))
    if mode == 'test' and cfg.get('load_from'):
        check_checkpoint_classes(cfg.load_from, cfg)


# ------------------------------------------------------------ class lists
def checkpoint_classes(path: str) -> Optional[List[str]]:
    """The class list a checkpoint records (``meta.dataset_meta.classes``,
    as mmengine's Runner and our export hook save it), or None."""
    from ..utils import safe_torch_load
    ckpt = safe_torch_load(path, map_location='cpu')
    meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
    classes = (meta.get('dataset_meta') or {}).get('classes')
    return list(classes) if classes is not None else None


def _test_set_classes(cfg: Config) -> Tuple[Optional[str], Optional[list]]:
    for _, dataset in _datasets(cfg, ['test_dataloader']):
        path = _ann_path(dataset)
        if path:
            return path, annotation_classes(path)
    return None, None


def check_checkpoint_classes(checkpoint: str, cfg: Config) -> None:
    """Refuse to evaluate ``checkpoint`` on a test set whose class list
    differs from the one it was trained on (a 6-class model scored on 12
    classes, or on other class names, reports a meaningless accuracy).

    Raises:
        InputError: Both lists differ; the message names both files.
    """
    trained = checkpoint_classes(checkpoint)
    path, test = _test_set_classes(cfg)
    if trained is None or test is None or list(trained) == list(test):
        return
    why = (f'{len(trained)} classes, not {len(test)}' if len(trained)
           != len(test) else 'other class names or another order')
    raise InputError(
        f'{checkpoint} was trained on {len(trained)} classes {trained}, but '
        f'the test set {path} has {len(test)} classes {test} ({why}): its '
        'accuracy there would mean nothing. Evaluate it with the config of '
        'the data it was trained on, or on a test set with its class list.')
