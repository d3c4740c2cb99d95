# Copyright (c) mmsocket contributors. All rights reserved.
"""The whole job on a user's data: adapt their RGB classifier(s) to the
target modality, evaluate, export (``tools/adapt.py``; docs/own_data.md).

Every run is a shipped config, ``configs/<method>/own/rgb_to_depth.py``
(the method's paper defaults), with the user's values set once as its
settings (docs/get_started.md#the-settings-of-a-config): the converted data
root, the target modality and domain (from ``meta.json`` unless given),
the source checkpoints and their model config (the config each was trained
with; :mod:`.source_config`). Each run writes the config it ran (resolved,
self-contained) to ``<work_dir>/<run>/config.py``, which
``python tools/train.py`` (or ``tools/test.py``) runs again as it is. The
unadapted source models are evaluated on the target set, each adapted
model after its training (the papers report the final model), and the
table goes to ``<work_dir>/results.md``; each adapted model is exported as
a stock mmpretrain classifier with ONNX (:mod:`.export`) into
``<work_dir>/<run>/export``.
"""
import json
import os
import os.path as osp
import time
import warnings
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from .experiment import find_config, run_config, write_result
from .runs import Run
from .source_config import source_model_config
from .table_format import results_table, save_results

#: Method -> its name in the table.
TITLES = dict(
    unadapted='Unadapted',
    shot='SHOT',
    socket='SOCKET',
    decision='DECISION',
    tgmb='TGMB',
    tgkt='TGKT')
#: What ``--method`` takes (TGKT runs its TGMB stage first).
METHODS = ('shot', 'socket', 'decision', 'tgkt')
#: Methods that adapt exactly one source.
ONE_SOURCE = ('shot', )
CONFIG = 'configs/{method}/own/rgb_to_depth.py'
#: Top-level keys of training: ``--cfg-options`` below them go to the
#: adaptation runs, not to the unadapted evaluation (whose ``model`` is the
#: source classifier as it is, e.g. no ``model.bn_moment_loss``).
TRAINING_KEYS = ('model', 'train_dataloader', 'train_cfg', 'optim_wrapper',
                 'param_scheduler', 'custom_hooks', 'model_wrapper_cfg')
#: Config keys the run's config.py leaves out (a rerun gets its own).
RUN_ONLY_KEYS = ('experiment_name', )


class AdaptError(ValueError):
    """The job cannot start; the message says what to run or pass."""


def read_data_meta(data_root: str) -> dict:
    """``meta.json`` of a converted data root, or an error naming the
    converter command."""
    meta = osp.join(data_root, 'meta.json')
    if not osp.isfile(meta):
        from .input_checks import data_command
        raise AdaptError(
            f'{data_root} is no converted data set ({meta} not found): '
            f'convert your folders first: {data_command(data_root)} '
            '(docs/own_data.md)')
    with open(meta, encoding='utf-8') as f:
        return json.load(f)


def data_settings(data_root: str,
                  target: Optional[str] = None,
                  domain: Optional[str] = None) -> dict:
    """The settings a converted data root gives: ``data_root`` (absolute),
    ``domain`` (its only domain unless given), ``target_modality`` (its
    non-RGB modality unless given)."""
    meta = read_data_meta(data_root)
    domains = list(meta.get('domains') or [])
    if domain is None:
        if len(domains) != 1:
            raise AdaptError(
                f'{data_root} has the domains {domains}: choose the target '
                'one with --domain')
        domain = domains[0]
    elif domains and domain not in domains:
        raise AdaptError(f'--domain {domain}: {data_root} has the domains '
                         f'{domains}')
    targets = [m for m in meta.get('modalities', []) if m != 'rgb']
    if target is None:
        if len(targets) != 1:
            raise AdaptError(f'{data_root} has the modalities '
                             f'{meta.get("modalities")}: choose the target '
                             'one with --target')
        target = targets[0]
    elif target not in targets:
        raise AdaptError(f'--target {target}: {data_root} has the target '
                         f'modalities {targets}')
    return dict(
        data_root=osp.abspath(data_root),
        domain=domain,
        target_modality=target)


def image_size_options(config: str, resize: int, crop: int) -> dict:
    """Options that set the resize and crop of a config's two pipelines
    (``train_pipeline``, ``test_pipeline``: the settings every dataset
    refers to), found by transform type."""
    cfg = Config.fromfile(config)
    opts = {}
    for key in ('train_pipeline', 'test_pipeline'):
        for i, step in enumerate(cfg.get(key) or []):
            if step.get('type') == 'Resize':
                opts[f'{key}.{i}.scale'] = (resize, resize)
            elif step.get('type') in ('RandomCrop', 'CenterCrop'):
                opts[f'{key}.{i}.crop_size'] = crop
    if crop > resize:
        raise AdaptError(f'--image-size {resize} {crop}: the crop must fit '
                         'in the resized image')
    return opts


class Adapt:
    """Evaluate, adapt and export on one converted data root.

    Args:
        data_root (str): The converter's ``--out``.
        sources (list[str]): Source checkpoints (several: multi-source).
        methods (list[str]): Among :data:`METHODS`, run in order.
        work_dir (str): Where every run writes (``<method>_seed<s>/``).
        source_configs (list[str], optional): The config each source was
            trained with (one for all, or one per source); None: the one
            next to each checkpoint.
        target (str, optional): Target modality; default from the data.
        domain (str, optional): Target domain; default the data's only one.
        epochs (int, optional): Training epochs of every method (its base
            config's when None: the paper's).
        batch_size (int, optional): Training batch size.
        image_size (tuple[int, int], optional): ``(resize, crop)`` of the
            pipelines (square); None: the paper's (256, 224).
        seeds (list[int]): Adaptation seeds (each method once per seed).
        cfg_options (dict, optional): More overrides (``--cfg-options``),
            merged last into every run.
        export (bool): Export every adapted model. Defaults to True.
        verbose (bool): Full logs instead of progress bars.
    """

    def __init__(self,
                 data_root: str,
                 sources: Sequence[str],
                 methods: Sequence[str],
                 work_dir: str,
                 source_configs: Optional[Sequence[str]] = None,
                 target: Optional[str] = None,
                 domain: Optional[str] = None,
                 epochs: Optional[int] = None,
                 batch_size: Optional[int] = None,
                 image_size: Optional[Sequence[int]] = None,
                 seeds: Sequence[int] = (0, ),
                 cfg_options: Optional[dict] = None,
                 export: bool = True,
                 verbose: bool = False) -> None:
        unknown = [m for m in methods if m not in METHODS]
        if unknown or not methods:
            raise AdaptError(f'unknown method(s) {unknown}: choose among '
                             f'{list(METHODS)}')
        if not sources:
            raise AdaptError('no source checkpoint: pass --source CKPT')
        for m in methods:
            if m in ONE_SOURCE and len(sources) > 1:
                raise AdaptError(
                    f'{TITLES[m]} adapts one source, got {len(sources)}: '
                    'pass one --source, or use socket or decision for '
                    'several')
        missing = [s for s in sources if not osp.isfile(s)]
        if missing:
            raise AdaptError(
                f'source checkpoint(s) not found: {missing}. Train one with '
                'mmpretrain (its tools/train.py writes epoch_N.pth and the '
                'config into its work dir) or with ours: python '
                'tools/train.py configs/source/own/rgb.py --cfg-options '
                f'data_root={data_root} (writes '
                'work_dirs/source/own/rgb/source.pth)')
        configs = list(source_configs or [None])
        if len(configs) == 1:
            configs = configs * len(sources)
        if len(configs) != len(sources):
            raise AdaptError(f'{len(configs)} --source-config for '
                             f'{len(sources)} sources: give one for all, or '
                             'one per source')
        self.settings = data_settings(data_root, target, domain)
        self.sources = [osp.abspath(s) for s in sources]
        self.source_names = list(sources)  # as given, for the table
        self.models = [
            source_model_config(s, c) for s, c in zip(sources, configs)
        ]
        self.methods = list(methods)
        self.work_dir = work_dir
        self.epochs = epochs
        self.batch_size = batch_size
        self.image_size = image_size
        self.seeds = list(seeds)
        self.cfg_options = dict(cfg_options or {})
        self.export = export
        self.verbose = verbose
        # Quiet: progress bars and the results (mmengine's warnings about
        # frozen parameters and deprecated aliases are noise here).
        self.log_level = 'INFO' if verbose else 'ERROR'
        self.results: Dict[str, List[float]] = {}

    # ------------------------------------------------------------ options
    def options(self, method: str) -> dict:
        """What the run of ``method`` sets on its shipped config."""
        opts = dict(self.settings)
        if self.image_size is not None:
            opts.update(
                image_size_options(
                    find_config(CONFIG.format(method=method)),
                    *self.image_size))
        if method == 'unadapted':
            return opts
        if all(m == self.models[0] for m in self.models):
            # _delete_: the source replaces the base's source model whole.
            opts['source_model'] = dict(_delete_=True, **self.models[0])
            opts['source_checkpoints'] = list(self.sources)
        else:
            opts['model.sources'] = [
                dict(model=m, checkpoint=c)
                for m, c in zip(self.models, self.sources)
            ]
        if self.epochs is not None:
            opts['train_cfg.max_epochs'] = self.epochs
        if self.batch_size is not None:
            opts['train_dataloader.batch_size'] = self.batch_size
        return opts

    def build(self,
              method: str,
              name: str,
              seed: Optional[int] = None,
              **extra) -> Config:
        """The prepared config of one run (written to its config.py)."""
        work_dir = osp.join(self.work_dir, name)
        user = self.cfg_options
        if method == 'unadapted':
            user = {
                k: v
                for k, v in user.items()
                if str(k).split('.')[0] not in TRAINING_KEYS
            }
        options = {**self.options(method), **extra, **user}
        run = Run(
            find_config(CONFIG.format(method=method)),
            work_dir,
            seed=seed,
            label=name,
            cfg_options=options)
        cfg = run.build_config(log_level=self.log_level)
        if not self.verbose and cfg.get('train_dataloader'):
            cfg.custom_hooks = list(cfg.get('custom_hooks') or []) + [
                dict(type='ProgressBarHook', desc=name, keys=('loss', ))
            ]
        return cfg

    @staticmethod
    def write_config(cfg: Config) -> str:
        """``<work_dir>/config.py``: the resolved config the run runs."""
        os.makedirs(cfg.work_dir, exist_ok=True)
        path = osp.join(cfg.work_dir, 'config.py')
        kept = Config({
            k: v
            for k, v in cfg.to_dict().items() if k not in RUN_ONLY_KEYS
        })
        tool = 'train' if cfg.get('train_dataloader') else 'test'
        with open(path, 'w', encoding='utf-8') as f:
            f.write(f'# Written by tools/adapt.py: the config this run ran '
                    f'(settings resolved).\n# Run it again with: python '
                    f'tools/{tool}.py {path}\n')
            f.write(kept.pretty_text)
        return path

    def execute(self, cfg: Config) -> dict:
        path = self.write_config(cfg)
        start = time.time()
        metrics = {k: float(v) for k, v in run_config(cfg).items()}
        return write_result(
            cfg.work_dir,
            config=path,
            seed=cfg.get('randomness', {}).get('seed'),
            seconds=round(time.time() - start, 1),
            metrics=metrics)

    # --------------------------------------------------------------- runs
    def unadapted(self) -> None:
        for j, (model, ckpt) in enumerate(zip(self.models, self.sources)):
            label = 'Unadapted' if len(self.sources) == 1 else \
                f'Unadapted (source {j}: {self.source_names[j]})'
            name = 'unadapted' if len(self.sources) == 1 else \
                f'unadapted_source{j}'
            cfg = self.build(
                'unadapted',
                name,
                model=dict(_delete_=True, **model),
                load_from=ckpt)
            acc = self.execute(cfg)['metrics']['accuracy/top1']
            self.results[label] = [acc]
            print(f'      {label}: {acc:.2f}', flush=True)

    def adapt(self, method: str, seed: int) -> None:
        extra = {}
        if method == 'tgkt':
            tgmb = self.build('tgmb', f'tgmb_seed{seed}', seed)
            acc = self.execute(tgmb)['metrics']['accuracy/top1']
            self.results.setdefault(TITLES['tgmb'], []).append(acc)
            print(f'      TGMB    seed {seed}: {acc:.2f}', flush=True)
            extra['model.translator_checkpoint'] = osp.join(
                tgmb.work_dir, 'tgmb.pth')
        cfg = self.build(method, f'{method}_seed{seed}', seed, **extra)
        acc = self.execute(cfg)['metrics']['accuracy/top1']
        self.results.setdefault(TITLES[method], []).append(acc)
        print(f'      {TITLES[method]:7s} seed {seed}: {acc:.2f}', flush=True)
        if self.export:
            self.export_run(cfg)

    def export_run(self, cfg: Config) -> dict:
        """Export the run's final model into ``<work_dir>/export``."""
        from ..utils import find_latest_checkpoint
        from .export import export_model
        ckpt = find_latest_checkpoint(cfg.work_dir)
        out = osp.join(cfg.work_dir, 'export')
        with warnings.catch_warnings():
            if not self.verbose:  # torch.jit's deprecation notices
                warnings.simplefilter('ignore', FutureWarning)
            summary = export_model(
                osp.join(cfg.work_dir, 'config.py'),
                ckpt,
                out,
                encode_test=True)
        onnx = summary['checks'].get('onnx', {})
        check = f'ONNX max |diff| {onnx["max_abs_diff"]:.1e}' \
            if 'max_abs_diff' in onnx else 'no ONNX check'
        print(f'      exported to {out} ({check})', flush=True)
        return summary

    def run(self) -> Dict[str, List[float]]:
        from ..utils import register_all_modules
        register_all_modules(init_default_scope=True)
        start = time.time()
        s = self.settings
        print(
            f'[1/2] Unadapted source model(s) on {s["data_root"]} '
            f'({s["domain"]}, {s["target_modality"]})',
            flush=True)
        self.unadapted()
        names = ', '.join(TITLES[m] for m in self.methods)
        print(
            f'[2/2] {names} on {s["target_modality"]}, seeds {self.seeds}',
            flush=True)
        for method in self.methods:
            for seed in self.seeds:
                self.adapt(method, seed)
        save_results(self.work_dir, self.table(), self.results, start)
        return self.results

    # ------------------------------------------------------------ results
    def table(self) -> str:
        s = self.settings
        return results_table(
            f'{s["data_root"]} ({s["domain"]}): RGB -> '
            f'{s["target_modality"]}, top-1 accuracy (%) on the target set, '
            f'seeds {self.seeds}', self.results)
