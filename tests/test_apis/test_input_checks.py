# Copyright (c) mmsocket contributors. All rights reserved.
"""Before a Runner is built, what a run reads is checked: each missing
input names the command that makes it, a data set smaller than a batch
names the sizes and the setting, and a checkpoint is never evaluated on a
test set with other classes (tools/test.py) or loaded as a source of
another class count (build time)."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from mmsocket.apis import (check_inputs, merge_test_args, merge_train_args,
                           parse_test_args, parse_train_args, preflight,
                           resolve_config)
from mmsocket.apis.input_checks import (InputError, data_command,
                                        training_command)
from mmsocket.models.utils import build_source_classifier
from tests.fixtures import write_tiny_dataset

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SOCKET = osp.join(ROOT, 'configs/socket/synthetic/kv1_to_kv1.py')
UNADAPTED = osp.join(ROOT, 'configs/unadapted/synthetic/kv1_to_kv1.py')
SOURCE = osp.join(ROOT, 'configs/source/synthetic/kv1_rgb.py')


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """12 TR samples of 3 classes (bathroom, kitchen, office)."""
    return write_tiny_dataset(tmp_path_factory.mktemp('tiny'))


def train_preflight(config, *options):
    args = parse_train_args([config, '--work-dir', '/tmp/unused', *options])
    return preflight(merge_train_args(Config.fromfile(config), args), 'train')


def test_preflight(config, checkpoint, *options):
    args = parse_test_args(
        [config, checkpoint, '--work-dir', '/tmp/x', *options])
    return preflight(merge_test_args(Config.fromfile(config), args), 'test')


test_preflight.__test__ = False  # a helper, not a test


def error_of(call, *args):
    with pytest.raises(SystemExit) as err:
        call(*args)
    msg = str(err.value)
    assert msg.startswith('error: '), msg
    return msg


@pytest.mark.slow
def test_design_card_command_says_what_to_run(tmp_path):
    # python tools/train.py configs/socket/kv1_to_kv1.py, as the design
    # card says, in a fresh clone: no data, no source model.
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/train.py'),
        osp.join(ROOT, 'configs/socket/kv1_to_kv1.py')
    ],
                          cwd=str(tmp_path),
                          capture_output=True,
                          text=True)
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stderr, proc.stderr
    assert 'python tools/dataset_converters/sunrgbd.py /path/to/SUNRGBD ' \
        '--out data/sunrgbd' in proc.stderr
    assert 'python tools/train.py configs/source/sunrgbd/kv1_rgb.py' in \
        proc.stderr
    assert not (tmp_path / 'work_dirs').exists()  # nothing was started


def test_the_alias_is_the_sunrgbd_setting():
    alias = resolve_config(
        Config.fromfile(osp.join(ROOT, 'configs/socket/kv1_to_kv1.py')))
    cell = resolve_config(
        Config.fromfile(
            osp.join(ROOT, 'configs/socket/sunrgbd/kv1_to_kv1.py')))
    assert alias.to_dict() == cell.to_dict()


def test_missing_synthetic_data_names_the_generator(tmp_path):
    msg = error_of(train_preflight, SOCKET, '--cfg-options',
                   f'data_root={tmp_path}/synthetic_rgbd')
    assert 'python tools/dataset_converters/generate_synthetic.py --out ' \
        f'{tmp_path}/synthetic_rgbd' in msg
    assert 'annotations/kv1_tr.json' in msg and 'annotations/ti.json' in msg


def test_own_data_root_names_the_converters(tmp_path):
    assert 'paired_folders.py' in data_command(str(tmp_path / 'mine'))
    assert 'socket_layout.py' in data_command(str(tmp_path / 'mine'))


def test_a_converted_root_with_another_domain_says_which_files_exist(tiny):
    msg = error_of(train_preflight, SOCKET, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None',
                   'domain=kv2')
    assert 'kv2_tr.json' in msg and 'kv1_tr.json' in msg
    assert '`domain`' in msg


def test_missing_source_checkpoint_names_the_command(tiny, tmp_path,
                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)  # no work_dirs/ here
    msg = error_of(train_preflight, SOCKET, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None',
                   f'work_dir={tmp_path}')
    assert 'work_dirs/source/synthetic/kv1_rgb/source.pth' in msg
    assert 'python tools/train.py configs/source/synthetic/kv1_rgb.py' in msg
    assert training_command('work_dirs/tgmb/synthetic/kv1_to_kv1/tgmb.pth') \
        == 'python tools/train.py configs/tgmb/synthetic/kv1_to_kv1.py'
    assert training_command('/somewhere/my.pth') is None


def _source_ckpt(path, classes, num_classes=None):
    """A checkpoint as our source export writes it (weights + classes)."""
    cfg = Config.fromfile(SOURCE)
    cfg.num_classes = num_classes or len(classes)
    # No data behind it: the class count is checked against the annotation
    # files of data_root when they exist (data/synthetic_rgbd in a checkout
    # that ran the quick start).
    cfg.data_root = osp.join(osp.dirname(str(path)), 'no_data')
    model = resolve_config(cfg).model.to_dict()
    clf, _ = build_source_classifier(model)
    torch.save(
        dict(
            meta=dict(dataset_meta=dict(classes=list(classes))),
            state_dict=clf.state_dict()), path)
    return str(path)


def test_too_few_images_for_a_batch_names_the_sizes_and_the_setting(
        tiny, tmp_path):
    # 12 target images, batch 32, drop_last=True: no iteration per epoch
    # (the LR scheduler's "epoch_length must be a positive integer").
    ckpt = _source_ckpt(tmp_path / 'src.pth', tiny['classes'])
    msg = error_of(train_preflight, SOCKET, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None',
                   f'source_checkpoints=[{ckpt}]')
    assert '12 samples' in msg and 'batch_size=32' in msg
    assert 'train_dataloader.batch_size=12' in msg
    assert 'drop_last=False' in msg
    # A last batch of one sample (BatchNorm cannot train on it).
    msg = error_of(train_preflight, SOCKET, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None',
                   f'source_checkpoints=[{ckpt}]',
                   'train_dataloader.batch_size=11',
                   'train_dataloader.drop_last=False')
    assert 'last batch holds one sample' in msg
    # Fixed as the message says: accepted.
    train_preflight(SOCKET, '--cfg-options', f'data_root={tiny["data_root"]}',
                    'num_classes=None', f'source_checkpoints=[{ckpt}]',
                    'train_dataloader.batch_size=12')


def test_testing_a_checkpoint_of_another_class_count_is_refused(
        tiny, tmp_path):
    six = _source_ckpt(tmp_path / 'six.pth', [f'c{i}' for i in range(6)])
    msg = error_of(test_preflight, UNADAPTED, six, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None')
    assert six in msg and '6 classes' in msg and '3 classes' in msg
    assert osp.join(tiny['data_root'], 'annotations/kv1_tr.json') in msg


def test_testing_a_checkpoint_of_other_class_names_is_refused(tiny, tmp_path):
    other = _source_ckpt(tmp_path / 'other.pth', ['cat', 'dog', 'fish'])
    msg = error_of(test_preflight, UNADAPTED, other, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None')
    assert "['cat', 'dog', 'fish']" in msg and 'other class names' in msg
    same = _source_ckpt(tmp_path / 'same.pth', tiny['classes'])
    test_preflight(UNADAPTED, same, '--cfg-options',
                   f'data_root={tiny["data_root"]}', 'num_classes=None')


def test_a_source_of_another_class_count_fails_at_build_naming_both(
        tiny, tmp_path):
    five = _source_ckpt(tmp_path / 'five.pth', [f'c{i}' for i in range(5)])
    cfg = Config.fromfile(SOCKET)
    cfg.merge_from_dict(
        dict(
            data_root=tiny['data_root'],
            num_classes=None,
            source_checkpoints=[five]))
    src = resolve_config(cfg).model.sources[0]
    with pytest.raises(ValueError) as err:
        build_source_classifier(src.model.to_dict(), src.checkpoint)
    msg = str(err.value)
    assert five in msg and '5 classes' in msg and 'with 3 classes' in msg


def test_malformed_annotations_through_tools_test(tiny, tmp_path):
    root = tmp_path / 'broken'
    (root / 'annotations').mkdir(parents=True)
    (root / 'annotations/kv1_tr.json').write_text('{"metainfo": {,}}')
    ckpt = _source_ckpt(tmp_path / 'src.pth', tiny['classes'])
    msg = error_of(test_preflight, UNADAPTED, ckpt, '--cfg-options',
                   f'data_root={root}')
    assert str(root / 'annotations/kv1_tr.json') in msg
    assert 'line 1, column 15' in msg


def test_check_inputs_lists_every_problem_at_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no work_dirs/ here
    cfg = Config.fromfile(SOCKET)
    cfg.data_root = str(tmp_path)
    with pytest.raises(InputError) as err:
        check_inputs(resolve_config(cfg), 'train')
    # the data (two files, one root) and the source model
    assert str(err.value).count('\n  - ') == 2
