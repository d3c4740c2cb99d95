"""Every paper setting is a config file that parses, names an existing
source config's exported checkpoint, builds the head that checkpoint has,
and sits in the table that cites it."""
import copy
import glob
import itertools
import os.path as osp

import pytest
from mmengine.config import Config

from mmsocket.apis import resolve_config
from mmsocket.apis.paper_configs import DOMAINS, write_configs
from mmsocket.registry import MODELS
from mmsocket.utils import default_work_dir

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def rel(path: str) -> str:
    return osp.relpath(path, ROOT)


def leaf_configs():
    """Every leaf under configs/ (the TGMB/TGKT ablations included)."""
    out = []
    for path in sorted(
            glob.glob(osp.join(ROOT, 'configs/**/*.py'), recursive=True)):
        if '/_base_/' in path or '/tables/' in path:
            continue
        out.append(rel(path))
    return out


def test_generated_files_are_up_to_date():
    # A hand edit of a generated file (or a generator change without a
    # re-run: python tools/misc/generate_configs.py) shows up here.
    result = write_configs(ROOT, check=True)
    assert result['total'] > 400
    assert not result['stale'] and not result['orphans'], result


@pytest.fixture(scope='module')
def parsed():
    out = {}
    for p in leaf_configs():
        cfg = Config.fromfile(osp.join(ROOT, p))
        if '/own/' in p:  # read from the (here absent) data otherwise
            cfg.merge_from_dict(dict(num_classes=4, depth_range=(0, 5)))
        out[p] = resolve_config(cfg)
    return out


def test_every_leaf_parses_and_loads_an_exported_source(parsed):
    sources = {
        osp.join(default_work_dir(p), 'source.pth').replace('./', '', 1): p
        for p in parsed if p.startswith('configs/source/')
    }
    assert len(sources) >= 2 * 4 + 3
    checked = 0
    for path, cfg in parsed.items():
        # Depth-distillation configs load depth teachers, not classifiers.
        if path.startswith(('configs/source/', 'configs/dfdd/')):
            continue
        if 'sources' in cfg.model:
            ckpts = [s['checkpoint'] for s in cfg.model.sources]
        elif cfg.get('load_from'):
            ckpts = [cfg.load_from]
        else:
            continue
        for ckpt in ckpts:
            assert ckpt in sources, f'{path}: {ckpt} is no source export'
            checked += 1
        # The evaluation set is the target set, read with labels.
        target = (
            cfg.test_dataloader.dataset.ann_file
            if cfg.get('test_dataloader') else None)
        if cfg.get('train_dataloader'):
            stream = cfg.train_dataloader.dataset.streams.target
            assert stream.ann_file == target, path
            assert stream.get('with_label', False) is False, path
    assert checked > 200


def built_head(model_cfg) -> dict:
    """The head a classifier config builds: its class count, the class count
    its loss expects and the parameter shapes a strict load must match."""
    head = MODELS.build(copy.deepcopy(model_cfg['head']))
    return dict(
        classes=head.fc.out_features,
        loss_classes=getattr(head.loss_module, 'num_classes', None),
        shapes={
            k: tuple(v.shape)
            for k, v in head.state_dict().items()
        })


def test_every_source_model_builds_the_head_of_the_checkpoint_it_loads(parsed):
    # Built, not read by path: a leaf whose model base differs from its
    # source config's (a 17-way head loading a 6-class export) fails a
    # strict load at run time.
    configs = {
        p: cfg
        for p, cfg in parsed.items() if not p.startswith('configs/dfdd/')
    }
    heads = {
        osp.join(default_work_dir(p), 'source.pth').replace('./', '', 1):
        built_head(cfg.model)
        for p, cfg in configs.items() if p.startswith('configs/source/')
    }
    checked, wrong = 0, []
    for path, cfg in configs.items():
        if 'sources' in cfg.model:
            pairs = [(s.model, s.checkpoint) for s in cfg.model.sources]
        elif cfg.get('load_from'):
            pairs = [(cfg.model, cfg.load_from)]
        else:
            continue
        for model, ckpt in pairs:
            built, source = built_head(model), heads[ckpt]
            checked += 1
            if built != source:
                wrong.append(f'{path}: builds {built["classes"]} classes, '
                             f'{ckpt} has {source["classes"]}')
    assert not wrong, '\n'.join(wrong)
    # Every transfer, unadapted, TGMB and TGKT leaf (ablations included).
    assert checked > 400


def test_source_of_a_domain_trains_and_validates_on_that_domain(parsed):
    for d in DOMAINS:
        cfg = parsed[f'configs/source/synthetic/{d}_rgb.py']
        assert cfg.train_dataloader.dataset.ann_file == \
            f'annotations/{d}_tr_train.json'
        assert cfg.val_dataloader.dataset.ann_file == \
            f'annotations/{d}_tr_val.json'


def test_file_names_say_the_setting(parsed):
    cfg = parsed['configs/socket/sunrgbd/kv1+xtion_to_kv2.py']
    assert [s.checkpoint for s in cfg.model.sources] == [
        'work_dirs/source/sunrgbd/kv1_rgb/source.pth',
        'work_dirs/source/sunrgbd/xtion_rgb/source.pth'
    ]
    assert cfg.test_dataloader.dataset.ann_file == 'annotations/kv2_tr.json'
    assert cfg.test_dataloader.dataset.modality == 'depth'
    assert cfg.model.ti_feature_loss is not None
    shot = parsed['configs/shot/synthetic/kv2_to_xtion_rgb.py']
    assert shot.train_dataloader.dataset.streams.ti is None
    assert shot.train_dataloader.dataset.streams.target.modality == 'rgb'
    assert shot.test_dataloader.dataset.modality == 'rgb'
    # Heads match the data set's TR classes (SOCKET Table 2).
    for path, n in (('configs/source/sunrgbd/kv1_rgb.py',
                     17), ('configs/source/synthetic/kv1_rgb.py',
                           12), ('configs/source/diml/rgb.py', 6),
                    ('configs/source/rgb_nir/nir.py', 6)):
        head = parsed[path].model.head
        assert head.num_classes == head.loss.num_classes == n, path
    for path in ('configs/socket/diml/rgb_to_depth.py',
                 'configs/shot/rgb_nir/nir_to_rgb.py'):
        src = parsed[path].model.sources[0].model
        assert src.head.num_classes == 6, path
    ti_sun = parsed['configs/socket/diml/rgb_to_depth_ti_sunrgbd.py']
    assert ti_sun.train_dataloader.dataset.streams.ti.data_root == \
        'data/sunrgbd'
    # A NIR-trained source's TI features must come from NIR images.
    nir2rgb = parsed['configs/socket/rgb_nir/nir_to_rgb.py']
    bank = [h for h in nir2rgb.custom_hooks if h.type == 'TIFeatureBankHook']
    assert bank[0].source_modality == 'nir'
    assert nir2rgb.test_dataloader.dataset.modality == 'rgb'
    assert {
        h.type
        for h in nir2rgb.custom_hooks
    } == {
        h.type
        for h in parsed['configs/socket/rgb_nir/rgb_to_nir.py'].custom_hooks
    }


@pytest.mark.parametrize('name', [
    'socket_table3_sunrgbd', 'socket_table3_synthetic',
    'socket_table4_sunrgbd', 'socket_table4_synthetic', 'socket_table5_diml',
    'socket_table6_rgb_nir', 'socket_table7_sunrgbd', 'socket_table7_synthetic'
])
def test_table_specs_cover_their_grid_once(name):
    spec = Config.fromfile(osp.join(ROOT, f'configs/tables/{name}.py'))
    keys = [(c['row'], c['column'], c['method']) for c in spec.cells]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(
        itertools.product(spec.rows, spec.columns, spec.methods))
    for cell in spec.cells:
        for config in cell['configs']:
            assert osp.isfile(osp.join(ROOT, config)), config
    for ckpt, config in spec.sources.items():
        assert osp.join(default_work_dir(config), 'source.pth') == './' + ckpt
    if name.endswith('sunrgbd') and 'table3' in name:
        # The paper's numbers travel with the cells (Table 3, kv1 -> kv1).
        paper = {k: c['paper'] for k, c in zip(keys, spec.cells)}
        assert paper[('kv1', 'kv1', 'SOCKET')] == 25.3
        assert paper[('realsense', 'kv1', 'Unadapted')] == 2.0
    if name == 'socket_table4_synthetic':
        assert len(spec.rows) == 6 and len(spec.cells) == 6 * 4 * 2


def test_default_work_dir_mirrors_the_config_tree(tmp_path):
    assert default_work_dir('configs/socket/synthetic/kv1_to_kv1.py') == \
        './work_dirs/socket/synthetic/kv1_to_kv1'
    assert default_work_dir('/x/configs/proj/configs/a/b.py') == \
        './work_dirs/a/b'
    assert default_work_dir(str(tmp_path / 'mine.py')) == './work_dirs/mine'
