"""The config generator (mmsocket.apis.paper_configs): its one table agrees
with the model bases and the converters, its writer finds stale, missing and
orphaned files, and a leaf that restates a base's list keeps the rest of
it."""
import os.path as osp
import shutil

import pytest
from mmengine.config import Config

import mmsocket.apis.paper_configs as paper_configs
from mmsocket.apis import resolve_config
from mmsocket.apis.paper_configs import DATASETS, HEADER, write_configs
from mmsocket.apis.paper_configs.leaves import Code, Commented, Rows, py
from mmsocket.dataset_converters import (DIML_TR_CLASSES, RGB_NIR_TR_CLASSES,
                                         SUNRGBD_TR_CLASSES)
from mmsocket.registry import MODELS
from mmsocket.synthetic import TR_CLASSES

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_class_counts_match_the_data_bases_and_the_converters():
    class_lists = dict(
        sunrgbd=SUNRGBD_TR_CLASSES,
        synthetic=TR_CLASSES,
        diml=DIML_TR_CLASSES,
        rgb_nir=RGB_NIR_TR_CLASSES)
    assert set(class_lists) == set(DATASETS) - {'own'}
    for data in (DATASETS['own']['source_data'],
                 *DATASETS['own']['transfer_data'].values()):
        # Your own data: the count is read from its annotation files.
        assert Config.fromfile(
            osp.join(ROOT, 'configs/_base_/datasets',
                     data)).num_classes is None
    for name, ds in DATASETS.items():
        if name == 'own':
            continue
        for data in (ds['source_data'], *ds['transfer_data'].values()):
            base = Config.fromfile(
                osp.join(ROOT, 'configs/_base_/datasets', data))
            assert base.num_classes == ds['num_classes'] == len(
                class_lists[name]), (name, data)
        # The source model's head is built from that setting.
        model = Config.fromfile(
            osp.join(ROOT, 'configs/_base_/models', ds['model']))
        model.num_classes = ds['num_classes']
        model = resolve_config(model).source_model
        assert MODELS.build(model.head).fc.out_features == ds['num_classes']
        assert model.data_preprocessor.num_classes == ds['num_classes']


def test_py_writes_config_source():
    assert py(dict(a=1, b='x', c=None)) == "dict(a=1, b='x', c=None)"
    assert py([1, 2]) == '[1, 2]'
    assert py(Rows([1, 2])) == '[1, 2, ]'
    assert py(dict(m=Code('{{_base_.m}}'))) == 'dict(m={{_base_.m}})'
    # A commented value ends its line; the next key starts the next one.
    text = py(dict(ti=Commented(None, 'no TI'), target=dict(k=1)))
    assert text == 'dict(ti=None,  # no TI\ntarget=dict(k=1))'
    assert eval(text) == dict(ti=None, target=dict(k=1))


@pytest.fixture
def tiny_root(tmp_path, monkeypatch):
    shutil.copy(osp.join(ROOT, 'setup.cfg'), tmp_path / 'setup.cfg')
    (tmp_path / 'configs/_base_/methods').mkdir(parents=True)
    files = {
        'configs/a/x.py': f'{HEADER}\nx = dict(a=1,b=[1,2])\n',
        'configs/b/y.py': f'{HEADER}\ny = 2\n',
    }
    monkeypatch.setattr(paper_configs, 'build_configs', lambda root: files)
    return tmp_path


def test_write_then_check_finds_edits_missing_files_and_orphans(tiny_root):
    first = write_configs(str(tiny_root))
    assert first['stale'] == ['configs/a/x.py', 'configs/b/y.py']
    # Written in the repository's yapf style.
    assert (tiny_root / 'configs/a/x.py').read_text() == \
        f'{HEADER}\nx = dict(a=1, b=[1, 2])\n'
    assert write_configs(
        str(tiny_root), check=True) == dict(
            total=2, stale=[], orphans=[])

    (tiny_root / 'configs/a/x.py').write_text('x = 3\n')  # a hand edit
    (tiny_root / 'configs/b/y.py').unlink()
    (tiny_root / 'configs/b/old.py').write_text(f'{HEADER}\nz = 1\n')
    (tiny_root / 'configs/b/mine.py').write_text('z = 1\n')  # hand-written
    check = write_configs(str(tiny_root), check=True)
    assert check['stale'] == ['configs/a/x.py', 'configs/b/y.py']
    assert check['orphans'] == ['configs/b/old.py']
    assert (tiny_root / 'configs/a/x.py').read_text() == 'x = 3\n'
    assert not (tiny_root / 'configs/b/y.py').exists()
    # Writing restores both and deletes nothing.
    assert write_configs(str(tiny_root))['stale'] == check['stale']
    assert write_configs(str(tiny_root), check=True)['stale'] == []
    assert (tiny_root / 'configs/b/old.py').exists()


def test_a_root_that_is_no_checkout_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match='pass --root'):
        write_configs(str(tmp_path), check=True)


def _resolved(path):
    return resolve_config(Config.fromfile(osp.join(ROOT, path)))


@pytest.mark.parametrize('method', ['socket', 'tgkt'])
def test_a_nir_source_changes_only_the_modality_of_its_ti_features(method):
    # The TI bank reads the data base's source_modality setting: the leaf
    # restates no hook.
    nir = _resolved(f'configs/{method}/rgb_nir/nir_to_rgb.py')
    rgb = _resolved(f'configs/{method}/rgb_nir/rgb_to_nir.py')
    with open(osp.join(ROOT, f'configs/{method}/rgb_nir/nir_to_rgb.py')) as f:
        assert 'custom_hooks' not in f.read()
    expected = [
        dict(h, source_modality='nir')
        if h['type'] == 'TIFeatureBankHook' else h for h in rgb.custom_hooks
    ]
    assert nir.custom_hooks == expected
    assert [
        h.source_modality for h in rgb.custom_hooks
        if h.type == 'TIFeatureBankHook'
    ] == ['rgb']


def test_tgmb_pairs_each_target_with_the_sources_modality():
    for direction, modality in (('rgb_to_nir', 'rgb'), ('nir_to_rgb', 'nir')):
        cfg = _resolved(f'configs/tgmb/rgb_nir/{direction}.py')
        assert cfg.train_dataloader.dataset.paired == dict(
            ti_source=dict(stream='ti', modality=modality))
