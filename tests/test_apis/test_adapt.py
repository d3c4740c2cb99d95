# Copyright (c) mmsocket contributors. All rights reserved.
"""tools/adapt.py: the user's values set once reach every run; the config
a run writes is the one it ran; the source's model config is the one it was
trained with; bad input says what to run."""
import copy
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from mmsocket.apis import resolve_config
from mmsocket.apis.adapt import Adapt, AdaptError, data_settings
from mmsocket.apis.source_config import (SourceConfigError, find_source_config,
                                         source_model_config)
from mmsocket.dataset_converters import convert_paired_folders
from tests.fixtures import write_paired_folders

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TR = ('cat', 'dog', 'owl')

# An mmpretrain config as mmengine's Runner dumps it into its work dir: the
# normalisation top-level, the model without it.
STOCK_CONFIG = '''default_scope = 'mmpretrain'
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                  out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=3, in_channels=64))
data_preprocessor = dict(num_classes=3, mean=[1.0, 2.0, 3.0],
                         std=[4.0, 5.0, 6.0], to_rgb=True)
'''


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('adapt')
    tree = write_paired_folders(
        str(root / 'my_photos'), TR, ('x', 'y'), per_class=2, size=(12, 14))
    out = str(root / 'my_rgbd')
    convert_paired_folders(tree['root'], out, progress=False)
    work = root / 'stock_work'
    work.mkdir()
    (work / 'my_resnet18.py').write_text(STOCK_CONFIG)
    ckpt = str(work / 'epoch_1.pth')
    torch.save(dict(state_dict={}), ckpt)  # adapt's set-up reads no weights
    return dict(root=root, data=out, ckpt=ckpt)


def datasets_of(cfg):
    """Every dataset config a run reads."""
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if not loader:
            continue
        ds = loader['dataset']
        yield from (s for s in ds.get('streams', {'': ds}).values() if s)


def test_the_source_config_is_the_one_next_to_the_checkpoint(data):
    model = source_model_config(data['ckpt'])
    assert model['neck'] == dict(type='GlobalAveragePooling')
    # mmpretrain keeps the normalisation top-level; the Runner merges it.
    assert model['data_preprocessor'] == dict(
        type='ClsDataPreprocessor',
        num_classes=3,
        mean=[1.0, 2.0, 3.0],
        std=[4.0, 5.0, 6.0],
        to_rgb=True)


def test_no_or_several_configs_next_to_the_checkpoint_say_what_to_pass(
        tmp_path):
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'')
    with pytest.raises(SourceConfigError, match='--source-config'):
        find_source_config(str(ckpt))
    (tmp_path / 'a.py').write_text('x = 1\n')
    (tmp_path / 'b.py').write_text('x = 1\n')
    with pytest.raises(SourceConfigError, match=r'2 configs \(a.py, b.py\)'):
        find_source_config(str(ckpt))
    with pytest.raises(SourceConfigError, match='describes no classifier'):
        source_model_config(str(ckpt), str(tmp_path / 'a.py'))


def test_data_settings_come_from_meta_json(data, tmp_path):
    got = data_settings(data['data'])
    assert got == dict(
        data_root=data['data'], domain='default', target_modality='depth')
    with pytest.raises(AdaptError, match='paired_folders.py'):
        data_settings(str(tmp_path / 'nothing'))
    with pytest.raises(AdaptError, match=r"--target nir: .* \['depth'\]"):
        data_settings(data['data'], target='nir')
    with pytest.raises(AdaptError, match=r"--domain kv1: .* \['default'\]"):
        data_settings(data['data'], domain='kv1')


@pytest.mark.parametrize('method', ['shot', 'socket', 'decision', 'tgmb'])
def test_the_users_values_reach_every_dataset_and_source(data, method):
    other = str(data['root'] / 'elsewhere')
    if not osp.isdir(other):  # the same data at another root
        shutil.copytree(data['data'], other)
    job = Adapt(
        data['data'],
        [data['ckpt']],
        ['socket'],
        str(data['root'] / 'work'),
        epochs=3,
        batch_size=2,
        image_size=(36, 32),
        # --cfg-options data_root=X (merged last) moves every dataset.
        cfg_options=dict(data_root=other))
    cfg = job.build(method, f'{method}_seed0', seed=7)
    roots = {ds['data_root'] for ds in datasets_of(cfg)}
    assert roots == {other}
    for ds in datasets_of(cfg):  # --image-size 36 32 in every pipeline
        sizes = [(s.get('scale'), s.get('crop_size')) for s in ds.pipeline]
        assert (36, 36) in [a for a, _ in sizes], ds.pipeline
        assert 32 in [b for _, b in sizes], ds.pipeline
    assert cfg.train_cfg.max_epochs == 3
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.randomness.seed == 7
    # The stock model replaces the base's ResNet-50 + bottleneck whole.
    for src in cfg.model.sources:
        assert src.checkpoint == data['ckpt']
        assert src.model.neck == dict(type='GlobalAveragePooling')
        assert 'init_cfg' not in src.model.backbone
    if method == 'tgmb':  # the discriminators read the stock features
        from mmsocket.registry import MODELS
        assert cfg.model.discriminator.in_channels is None  # the sources'
        model_cfg = copy.deepcopy(cfg.model)
        model_cfg.sources[0].checkpoint = None  # the fixture's is a stub
        model = MODELS.build(model_cfg)
        assert model.disc_inter[0].layers[0].in_features == 64
    if method == 'decision':  # no TI pairs
        assert cfg.train_dataloader.dataset.streams.ti is None


def test_unadapted_evaluates_each_source_as_it_is(data):
    # A training option (SOCKET without L_d, for a source without
    # BatchNorm2d) reaches the adaptation, not the source classifier.
    job = Adapt(
        data['data'], [data['ckpt']], ['socket'],
        str(data['root'] / 'work'),
        cfg_options={
            'model.bn_moment_loss': None,
            'test_dataloader.batch_size': 5
        })
    assert job.build('socket', 'socket_seed0').model.bn_moment_loss is None
    cfg = job.build(
        'unadapted',
        'unadapted',
        model=dict(_delete_=True, **job.models[0]),
        load_from=data['ckpt'])
    assert cfg.model.neck == dict(type='GlobalAveragePooling')
    assert 'bn_moment_loss' not in cfg.model
    assert cfg.test_dataloader.batch_size == 5
    assert cfg.load_from == data['ckpt']
    assert cfg.test_dataloader.dataset.modality == 'depth'
    assert cfg.test_dataloader.dataset.pipeline[0].depth_range == (0.0, 4.0)


def test_the_written_config_is_the_config_that_runs(data):
    job = Adapt(
        data['data'], [data['ckpt']], ['socket'],
        str(data['root'] / 'work'),
        epochs=2)
    cfg = job.build('socket', 'socket_seed0', seed=1)
    path = job.write_config(cfg)
    assert open(path).readline().startswith('# Written by tools/adapt.py')
    again = resolve_config(Config.fromfile(path))
    ran = cfg.to_dict()
    ran.pop('experiment_name')
    assert again.to_dict() == ran


def test_bad_jobs_say_what_to_do(data, tmp_path):
    with pytest.raises(AdaptError, match='SHOT adapts one source, got 2'):
        Adapt(data['data'], [data['ckpt']] * 2, ['shot'], str(tmp_path))
    with pytest.raises(AdaptError, match='configs/source/own/rgb.py'):
        Adapt(data['data'], [str(tmp_path / 'no.pth')], ['socket'],
              str(tmp_path))
    with pytest.raises(AdaptError, match='2 --source-config for 3 sources'):
        Adapt(data['data'], [data['ckpt']] * 3, ['socket'], str(tmp_path),
              ['a.py', 'b.py'])
    with pytest.raises(AdaptError, match='the crop must fit'):
        Adapt(
            data['data'], [data['ckpt']], ['socket'],
            str(tmp_path),
            image_size=(32, 36)).options('socket')
    with pytest.raises(AdaptError, match='unknown method'):
        Adapt(data['data'], [data['ckpt']], ['tgmb'], str(tmp_path))


@pytest.mark.slow
def test_the_command_line_ends_with_the_fix_not_a_traceback(tmp_path):
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/adapt.py'),
        str(tmp_path / 'my_rgbd'), '--source', 'x.pth', '--work-dir',
        str(tmp_path / 'w')
    ],
                          cwd=ROOT,
                          capture_output=True,
                          text=True,
                          env=dict(
                              PYTHONPATH=ROOT, PATH='', OMP_NUM_THREADS='1'))
    assert proc.returncode == 1
    assert 'Traceback' not in proc.stderr, proc.stderr
    assert 'error: source checkpoint(s) not found' in proc.stderr


@pytest.mark.slow
def test_two_sources_decision_and_tgkt_run_and_export(data):
    """Every method through one job: DECISION and SOCKET mixing two stock
    sources, TGKT after its TGMB stage (the translator it loads is the one
    TGMB wrote); each adapted model exported."""
    from mmpretrain.registry import MODELS
    cfg = Config.fromstring(STOCK_CONFIG, '.py')
    ckpts = []
    for j in range(2):
        torch.manual_seed(j)
        model = MODELS.build(
            dict(cfg.model, data_preprocessor=dict(cfg.data_preprocessor)))
        path = str(data['root'] / 'stock_work' / f'epoch_{j + 1}.pth')
        torch.save(
            dict(
                state_dict=model.state_dict(),
                meta=dict(dataset_meta=dict(classes=list(TR)))), path)
        ckpts.append(path)
    work = data['root'] / 'two'
    job = Adapt(
        data['data'],
        ckpts, ['decision', 'tgkt'],
        str(work),
        epochs=1,
        batch_size=2,
        image_size=(20, 16))
    results = job.run()
    assert list(results) == [
        f'Unadapted (source 0: {ckpts[0]})',
        f'Unadapted (source 1: {ckpts[1]})', 'DECISION', 'TGMB', 'TGKT'
    ]
    assert all(0 <= v[0] <= 100 for v in results.values())
    tgkt = Config.fromfile(str(work / 'tgkt_seed0' / 'config.py'))
    assert tgkt.model.translator_checkpoint == str(work / 'tgmb_seed0' /
                                                   'tgmb.pth')
    for run in ('decision_seed0', 'tgkt_seed0'):
        files = sorted(os.listdir(work / run / 'export'))
        assert {'source0.pth', 'source1.pth', 'ensemble.onnx'} <= set(files)
    # The header and five rows.
    assert (work / 'results.md').read_text().count('\n| ') == 6
