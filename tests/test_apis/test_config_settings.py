# Copyright (c) mmsocket contributors. All rights reserved.
"""A config's settings are set once (a leaf config or --cfg-options of
top-level keys) and reach every nested dataset, pipeline, hook, head and
source model; explicit nested values win; typos, forgotten class counts and
missing settings fail with a message that says what to change."""
import json
import os.path as osp
import types

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmsocket.apis import (ConfigSettingsError, merge_train_args,
                           parse_train_args, resolve_config)
from mmsocket.engine.hooks import PseudoLabelHook
from mmsocket.registry import DATASETS, HOOKS
from tests.fixtures import write_tiny_dataset

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SOCKET = osp.join(ROOT, 'configs/socket/synthetic/kv1_to_kv1.py')
SHOT = osp.join(ROOT, 'configs/shot/synthetic/kv1_to_kv1.py')
SOURCE = osp.join(ROOT, 'configs/source/synthetic/kv1_rgb.py')


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """3 TR classes (bathroom, kitchen, office), 2 TI classes."""
    return write_tiny_dataset(tmp_path_factory.mktemp('tiny'))


def merged(config, *options, work_dir='/tmp/unused'):
    """What tools/train.py does to a config before building the Runner."""
    args = parse_train_args([config, '--work-dir', work_dir, *options])
    return merge_train_args(Config.fromfile(config), args)


def datasets(cfg):
    """Every dataset config of the three loaders, streams included."""
    out = []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if not loader:
            continue
        ds = loader.dataset
        out += [s for s in ds.get('streams', {'': ds}).values() if s]
    return out


def load_modality_steps(cfg):
    return [
        t for ds in datasets(cfg) for t in ds.pipeline
        if t.type == 'LoadModality'
    ]


def test_cfg_options_data_root_reaches_every_dataset():
    cfg = merged(SOCKET, '--cfg-options', 'data_root=/data/mine')
    assert len(datasets(cfg)) == 4  # target, TI, val, test
    for ds in datasets(cfg):
        assert ds.data_root == '/data/mine'


def test_cfg_options_depth_range_reaches_every_pipeline():
    cfg = merged(SOCKET, '--cfg-options', 'depth_range=(0.5,4)')
    steps = load_modality_steps(cfg)
    assert len(steps) == 4
    assert all(tuple(t.depth_range) == (0.5, 4) for t in steps)


def test_one_leaf_sets_the_users_values(tmp_path, tiny):
    leaf = tmp_path / 'mine.py'
    leaf.write_text(f'_base_ = [{SOCKET!r}]\n'
                    f'data_root = {tiny["data_root"]!r}\n'
                    'num_classes = 3\n'
                    "domain = 'kv1'\n"
                    'depth_range = (0.0, 10.0)\n'
                    "source_checkpoints = ['a.pth', 'b.pth']\n")
    cfg = merged(str(leaf))
    assert [s.checkpoint for s in cfg.model.sources] == ['a.pth', 'b.pth']
    for src in cfg.model.sources:
        head = src.model.head
        assert head.num_classes == head.loss.num_classes == 3
        assert src.model.data_preprocessor.num_classes == 3
    assert all(ds.data_root == tiny['data_root'] for ds in datasets(cfg))
    assert all(t.depth_range == (0.0, 10.0) for t in load_modality_steps(cfg))


def test_cfg_options_edit_the_source_model_of_a_transfer():
    # `{{_base_.source_model}}` could not be edited; the setting can.
    cfg = merged(SOCKET, '--cfg-options', 'source_model.backbone.depth=34',
                 'source_model.neck.in_channels=512')
    backbone = cfg.model.sources[0].model.backbone
    assert backbone.depth == 34 and backbone.base_channels == 16
    assert cfg.model.sources[0].model.neck.in_channels == 512


def test_cfg_options_of_a_pipeline_reach_the_datasets_that_use_it():
    cfg = merged(SOCKET, '--cfg-options', 'test_pipeline.1.scale=(40,40)',
                 'test_dataloader.dataset.pipeline.0.depth_range=(0,2)')
    streams = cfg.train_dataloader.dataset.streams
    assert streams.ti.pipeline[1].scale == (40, 40)
    assert cfg.val_dataloader.dataset.pipeline[1].scale == (40, 40)
    assert streams.target.pipeline[1].scale == (72, 72)  # train_pipeline
    # A nested option edits that loader's own copy (and only it), on top
    # of the top-level one.
    test = cfg.test_dataloader.dataset.pipeline
    assert test[0].depth_range == (0, 2) and test[1].scale == (40, 40)
    assert cfg.val_dataloader.dataset.pipeline[0].depth_range == (0.0, 8.0)


def test_cfg_options_below_a_source_reach_that_source():
    cfg = merged(SOCKET, '--cfg-options', 'model.sources.0.checkpoint=x.pth',
                 'model.sources.0.model.backbone.depth=34')
    src = cfg.model.sources[0]
    assert src.checkpoint == 'x.pth' and src.model.backbone.depth == 34
    assert cfg.source_model.backbone.depth == 18


def test_explicit_nested_values_win(tmp_path):
    leaf = tmp_path / 'mine.py'
    leaf.write_text(
        f'_base_ = [{SOCKET!r}]\n'
        "data_root = 'data/mine'\n"
        "val_dataloader = dict(dataset=dict(data_root='data/other'))\n"
        'test_dataloader = val_dataloader\n'
        'source_model = dict(head=dict(num_classes=5))\n')
    cfg = merged(str(leaf))
    streams = cfg.train_dataloader.dataset.streams
    assert streams.target.data_root == streams.ti.data_root == 'data/mine'
    assert cfg.val_dataloader.dataset.data_root == 'data/other'
    head = cfg.model.sources[0].model.head
    assert head.num_classes == 5 and head.loss.num_classes == 12


def test_the_ti_pairs_may_come_from_another_root():
    cfg = merged(SOCKET, '--cfg-options', 'data_root=/a', 'ti_data_root=/b')
    streams = cfg.train_dataloader.dataset.streams
    assert streams.target.data_root == '/a' and streams.ti.data_root == '/b'


@pytest.mark.parametrize(
    'option,fix',
    [('data_rot=/data/mine', "did you mean 'data_root'"),
     ('num_clases=8', "did you mean 'num_classes'"),
     ('source_checkpoint=a.pth', "did you mean 'source_checkpoints'")])
def test_a_typo_in_a_setting_is_refused(option, fix):
    with pytest.raises(SystemExit) as err:
        merged(SOCKET, '--cfg-options', option)
    msg = str(err.value)
    assert msg.startswith('error: ') and fix in msg, msg


def test_forgetting_the_class_count_does_not_train_a_12_way_source(tiny):
    # The synthetic base says 12 classes; the user's data has 3.
    with pytest.raises(SystemExit) as err:
        merged(SOURCE, '--cfg-options', f'data_root={tiny["data_root"]}')
    msg = str(err.value)
    assert 'num_classes = 12' in msg and '3 classes' in msg
    assert osp.join(tiny['data_root'], 'annotations/kv1_tr_train.json') in msg
    assert 'num_classes=3' in msg  # what to pass


def test_num_classes_none_is_read_from_the_data(tiny):
    cfg = merged(SOURCE, '--cfg-options', f'data_root={tiny["data_root"]}',
                 'num_classes=None')
    head = cfg.model.head
    assert head.num_classes == head.loss.num_classes == 3
    assert cfg.num_classes == 3


def test_num_classes_none_without_data_says_what_to_do(tmp_path):
    cfg = Config.fromfile(SOURCE)
    cfg.merge_from_dict(dict(data_root=str(tmp_path), num_classes=None))
    with pytest.raises(ConfigSettingsError) as err:
        resolve_config(cfg)
    msg = str(err.value)
    assert 'make the data first: python tools/dataset_converters/' \
        'paired_folders.py' in msg and 'num_classes=N' in msg


def test_a_class_list_is_checked_against_the_data(tiny):
    with pytest.raises(SystemExit, match='labels index that list'):
        merged(SOURCE, '--cfg-options', f'data_root={tiny["data_root"]}',
               'num_classes=None', 'classes=[kitchen,bathroom,office]')
    cfg = merged(SOURCE, '--cfg-options', f'data_root={tiny["data_root"]}',
                 'num_classes=None', 'classes=[bathroom,kitchen,office]')
    assert cfg.model.head.num_classes == 3


def test_depth_range_none_is_the_converters(tiny):
    # write_tiny_dataset records depth_range_m [0, 10] in meta.json.
    cfg = merged(SOCKET, '--cfg-options', f'data_root={tiny["data_root"]}',
                 'num_classes=None', 'depth_range=None')
    assert all(t.depth_range == (0.0, 10.0) for t in load_modality_steps(cfg))


def test_a_missing_setting_names_the_place_and_the_key():
    cfg = Config.fromfile(SOCKET)
    cfg._cfg_dict.pop('ti_ann_file')
    with pytest.raises(ConfigSettingsError) as err:
        resolve_config(cfg)
    msg = str(err.value)
    assert 'train_dataloader.dataset.streams.ti.ann_file' in msg
    assert "'ti_ann_file'" in msg and '--cfg-options ti_ann_file=' in msg


def test_resolving_twice_changes_nothing():
    cfg = resolve_config(Config.fromfile(SOCKET))
    once = cfg.to_dict()
    assert resolve_config(cfg).to_dict() == once
    assert '${' not in cfg.pretty_text


def test_the_domain_setting_names_the_annotation_files():
    cfg = merged(SOURCE, '--cfg-options', 'domain=xtion')
    assert cfg.train_dataloader.dataset.ann_file == \
        'annotations/xtion_tr_train.json'
    assert cfg.val_dataloader.dataset.ann_file == \
        'annotations/xtion_tr_val.json'
    cfg = merged(SOCKET, '--cfg-options', 'domain=kv2')
    assert {ds.ann_file
            for ds in datasets(cfg)
            } == {'annotations/kv2_tr.json', 'annotations/ti.json'}


# ----------------------------------------------------- hooks and pipelines
def _shot_runner(cfg):
    """Enough of a Runner for PseudoLabelHook.before_train: the resolved
    config, the built training set and a model that records nothing."""
    model = types.SimpleNamespace(
        refresh_pseudo_labels=lambda loader: None,
        needs_pseudo_labels=True,
        check_dataset_classes=lambda classes, where: None)
    train = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    return types.SimpleNamespace(
        cfg=cfg,
        model=model,
        seed=0,
        train_dataloader=train,
        build_dataloader=Runner.build_dataloader)


def test_shots_pseudo_label_pass_sees_an_overridden_depth_scaling(tiny):
    # The user restates the loaders' pipelines with another depth range
    # (not the top-level test_pipeline): the clustering pass must follow.
    cfg = merged(
        SHOT, '--cfg-options', f'data_root={tiny["data_root"]}',
        'num_classes=None', 'train_dataloader.num_workers=0',
        'train_dataloader.batch_size=4',
        'train_dataloader.dataset.streams.target.pipeline.0.depth_range=(0,2)',
        'test_dataloader.dataset.pipeline.0.depth_range=(0,2)')
    assert cfg.test_pipeline[0].depth_range == (0.0, 8.0)  # not overridden
    spec = [h for h in cfg.custom_hooks if h.type == 'PseudoLabelHook'][0]
    hook = HOOKS.build(dict(spec))
    hook.before_train(_shot_runner(cfg))
    steps = [t for t in hook._loader.dataset.pipeline.transforms]
    assert steps[0].depth_range == (0, 2)
    # ... and gives the pixels the test loader gives.
    test = DATASETS.build(dict(cfg.test_dataloader.dataset, with_label=False))
    assert (hook._loader.dataset[0]['inputs'] == test[0]['inputs']).all()


def test_a_hook_pipeline_naming_a_config_variable_is_refused():
    with pytest.raises(ValueError, match="'test_dataloader'"):
        PseudoLabelHook(pipeline='test_pipeline')


def test_annotation_class_list_used_for_the_count(tiny, tmp_path):
    # num_classes None in an own-data leaf: the count is the file's.
    ann = json.load(
        open(osp.join(tiny['data_root'], 'annotations/kv1_tr.json')))
    assert len(ann['metainfo']['classes']) == 3
    cfg = merged(SOCKET, '--cfg-options', f'data_root={tiny["data_root"]}',
                 'num_classes=None')
    assert cfg.model.sources[0].model.head.num_classes == 3


def test_an_unresolved_config_fails_clearly_where_it_is_built(tiny):
    # Code that builds from a config itself without resolve_config.
    with pytest.raises(ValueError, match='resolve_config'):
        DATASETS.build(
            dict(
                type='MultiModalDataset',
                data_root='${data_root}',
                ann_file='annotations/kv1_tr.json'))
    from mmsocket.registry import MODELS
    raw = Config.fromfile(SOURCE).model.head
    with pytest.raises(ValueError, match='never resolved'):
        MODELS.build(raw)
