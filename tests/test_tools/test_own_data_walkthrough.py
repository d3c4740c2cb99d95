# Copyright (c) mmsocket contributors. All rights reserved.
"""docs/own_data.md, run as written: a user's tree of paired folders (and
one in the official SOCKET layout), a stock mmpretrain classifier trained
on its RGB by mmpretrain's own tools/train.py, then convert -> adapt ->
export with no config file written by hand, and the exported model loaded
by mmpretrain's inferencer in a process that never imports mmsocket: its
predictions are tools/test.py's.

The doc's blocks marked ``<!-- walkthrough: ... -->`` run in order in one
folder holding the user's data (with ``tools/`` and ``configs/`` of this
checkout beside it), at test scale, which changes only this:

- ``my_resnet18.py`` gets a tail making the ResNet-18 1/8 wide (the doc's
  is 1/4); its 30 epochs are one batch each on the 16 tiny images;
- ``tools/adapt.py`` gets ``--epochs 1 --batch-size 4 --seed 0`` appended
  (argparse keeps the last value given), and on the SOCKET layout also
  ``--method socket``;
- the stock classifier is trained once (on the paired folders' RGB) and
  copied into the SOCKET layout's folder, which has the same 8 classes;
  there the importer's block replaces the converter's.
"""
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys

import mmengine
import numpy as np
import pytest
import torch
from toy_parts import REPO_ROOT, subprocess_env

from tests.fixtures import write_paired_folders, write_png

DOC = osp.join(REPO_ROOT, 'docs', 'own_data.md')
MARK = re.compile(r'<!-- walkthrough: (\w+) ([\w.-]+) -->')
TR = ('apple', 'bell', 'chair', 'drum', 'egg', 'fork', 'goat', 'harp')
TI = ('kite', 'lamp')
TEST_SCALE = '''
# test scale (tests/test_tools/test_own_data_walkthrough.py)
model['backbone'].update(base_channels=8, stem_channels=8)
model['head']['in_channels'] = 64
'''
ADAPT_TEST_SCALE = ' --epochs 1 --batch-size 4 --seed 0'


def walkthrough_blocks():
    """``(kind, name, text)`` of every marked block of the doc, in order."""
    lines = open(DOC, encoding='utf-8').read().splitlines()
    blocks = []
    for i, line in enumerate(lines):
        m = MARK.fullmatch(line.strip())
        if not m:
            continue
        assert lines[i + 1].startswith('```'), f'{DOC}:{i + 2}: no code'
        end = lines.index('```', i + 2)
        blocks.append((m.group(1), m.group(2), '\n'.join(lines[i + 2:end])))
    return blocks


def test_the_walkthrough_has_the_three_commands():
    names = [(k, n) for k, n, _ in walkthrough_blocks()]
    assert names == [('file', 'my_resnet18.py'), ('run', 'stock'),
                     ('run', 'convert'), ('run', 'adapt'), ('run', 'test'),
                     ('run', 'export'), ('python', 'inference'),
                     ('run', 'mmpretrain-test'), ('run', 'socket-layout')]


def write_socket_layout(root):
    """``data/SUN`` as the official SOCKET code has it: one domain's
    ``kv1com_image``/``kv1com_depth`` and ``TI_image``/``TI_depth``."""
    rng = np.random.default_rng(1)
    for prefix, classes, n in (('kv1com', TR, 2), ('TI', TI, 2)):
        for cls in classes:
            for i in range(n):
                write_png(
                    osp.join(root, f'{prefix}_image', cls, f'{i:04d}.png'),
                    rng.integers(0, 256, (12, 16, 3), dtype=np.uint8))
                write_png(
                    osp.join(root, f'{prefix}_depth', cls, f'{i:04d}.png'),
                    rng.integers(500, 4000, (12, 16)).astype(np.uint16))


def run_block(cwd, text, env, timeout=300):
    """A bash block, lines joined as the shell would."""
    proc = subprocess.run(['bash', '-ec', text],
                          cwd=cwd,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=timeout)
    assert proc.returncode == 0, (text, proc.stdout[-3000:],
                                  proc.stderr[-5000:])
    return proc


_COMPARE = r'''
import json, runpy, sys
export_dir, images = sys.argv[1], json.loads(sys.argv[2])
doc_block = sys.argv[3]
if doc_block:
    runpy.run_path(doc_block)  # the doc's own inference code
from mmpretrain.apis import ImageClassificationInferencer
inf = ImageClassificationInferencer(f'{export_dir}/model.py',
                                    pretrained=f'{export_dir}/model.pth')
res = inf(images, batch_size=4)
print('RESULT=' + json.dumps(dict(
    scores=[r['pred_scores'].tolist() for r in res],
    mmsocket_imported=sorted(m for m in sys.modules
                             if m.split('.')[0] == 'mmsocket'))))
'''


def user_folder(tmp_path):
    """A user's folder: this checkout's tools/ and configs/, the doc's
    config file, and the doc's blocks and the environment."""
    for name in ('tools', 'configs'):
        os.symlink(osp.join(REPO_ROOT, name), tmp_path / name)
    blocks = {n: t for _, n, t in walkthrough_blocks()}
    (tmp_path / 'my_resnet18.py').write_text(blocks['my_resnet18.py'] +
                                             TEST_SCALE)
    return blocks, subprocess_env()


@pytest.fixture(scope='module')
def paired_user(tmp_path_factory):
    """The paired folders' user: their images, and the stock classifier
    trained by mmpretrain's own tools/train.py (no mmsocket import)."""
    tmp_path = tmp_path_factory.mktemp('paired_user')
    blocks, env = user_folder(tmp_path)
    tree = write_paired_folders(
        str(tmp_path / 'my_photos'),
        TR,
        TI,
        per_class=2,
        rgb_ext='.png',
        size=(12, 16))
    for short, long in (('tr', 'task_relevant'), ('ti', 'task_irrelevant')):
        os.rename(osp.join(tree['root'], short), osp.join(tree['root'], long))
    # mmpretrain's own tools/train.py; every import it makes is logged.
    proc = run_block(tmp_path, blocks['stock'],
                     dict(env, PYTHONPROFILEIMPORTTIME='1'))
    imported = re.findall(r'^import time:.*\|\s+([\w.]+)$', proc.stderr, re.M)
    # The log is there (mmpretrain's models were imported) ...
    assert any(m.startswith('mmpretrain.models.') for m in imported)
    # ... and names no mmsocket module (the editable install's finder is
    # no import of mmsocket).
    assert not [m for m in imported if m.split('.')[0] == 'mmsocket']
    assert (tmp_path / 'work_dirs/my_resnet18/epoch_30.pth').is_file()
    return tmp_path, blocks, env


def convert_and_adapt(tmp_path,
                      blocks,
                      env,
                      convert_block,
                      methods=('shot', 'socket')):
    """The data converted and adapted as the doc says (with ``--method``
    appended unless ``methods`` are the doc's)."""
    run_block(tmp_path, blocks[convert_block], env)
    extra = ADAPT_TEST_SCALE
    if tuple(methods) != ('shot', 'socket'):
        extra += ' --method ' + ' '.join(methods)
    adapt = run_block(tmp_path, blocks['adapt'] + extra, env)
    table = adapt.stdout[adapt.stdout.index('| method |'):]
    rows = table.splitlines()[2:3 + len(methods)]
    assert [row.split(' | ')[0] for row in rows
            ] == ['| Unadapted',
                  *(f'| {m.upper()}' for m in methods)], adapt.stdout
    for method in methods:  # adapt exported them
        assert (tmp_path / 'work_dirs/my_adapt' / f'{method}_seed0' /
                'export/model.pth').is_file()


def exported_scores(tmp_path, export_dir, images, doc_block=None):
    """The inferencer's scores of the exported model, in a process without
    mmsocket (and first the doc's own inference code, if given)."""
    clean = {k: v for k, v in subprocess_env().items() if k != 'PYTHONPATH'}
    proc = subprocess.run([
        sys.executable, '-c', _COMPARE, export_dir,
        json.dumps(images), doc_block or ''
    ],
                          cwd=tmp_path,
                          env=clean,
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-5000:]
    got = json.loads(proc.stdout.rsplit('RESULT=', 1)[1].splitlines()[0])
    assert got['mmsocket_imported'] == []
    if doc_block:
        assert 'test_set/' in proc.stdout  # the doc's block printed
    return torch.tensor(got['scores'])


def encoded_test_set(tmp_path, export_dir, domain):
    """The exported test set's images in test-set order, and the labels."""
    ann = json.loads((tmp_path / 'data/my_rgbd/annotations' /
                      f'{domain}_tr.json').read_text())
    assert len(ann['data_list']) == 16
    classes = ann['metainfo']['classes']
    images = [
        osp.join(export_dir, 'test_set', classes[r['gt_label']],
                 r['sample_id'].replace('/', '_') + '.png')
        for r in ann['data_list']
    ]
    return images, [r['gt_label'] for r in ann['data_list']]


@pytest.mark.slow
def test_the_documented_commands_end_to_end(paired_user):
    tmp_path, blocks, env = paired_user
    convert_and_adapt(tmp_path, blocks, env, 'convert')
    run_block(tmp_path, blocks['test'], env)
    run_block(tmp_path, blocks['export'], env)
    # tools/test.py's predictions against the exported model's on the
    # encoded images, in test-set order.
    preds = mmengine.load(
        str(tmp_path / 'work_dirs/my_adapt/socket_preds.pkl'))
    export_dir = 'work_dirs/my_depth_classifier'
    images, _ = encoded_test_set(tmp_path, export_dir, 'default')
    doc_block = tmp_path / 'inference.py'
    doc_block.write_text(blocks['inference'])
    scores = exported_scores(tmp_path, export_dir, images, str(doc_block))
    expected = torch.stack([torch.as_tensor(p['pred_score']) for p in preds])
    torch.testing.assert_close(scores, expected, rtol=1e-5, atol=1e-6)
    assert scores.argmax(1).tolist() == expected.argmax(1).tolist()

    mmp = run_block(tmp_path, blocks['mmpretrain-test'], env)
    acc = float(
        re.search(r'accuracy/top1: ([\d.]+)',
                  mmp.stderr + mmp.stdout).group(1))
    record = json.loads((tmp_path / 'work_dirs/my_adapt/socket_seed0/'
                         'result.json').read_text())
    assert acc == pytest.approx(record['metrics']['accuracy/top1'], abs=1e-3)


@pytest.mark.slow
def test_the_documented_commands_on_the_socket_layout(tmp_path, paired_user):
    blocks, env = user_folder(tmp_path)
    write_socket_layout(str(tmp_path / 'data' / 'SUN'))
    shutil.copytree(paired_user[0] / 'work_dirs/my_resnet18',
                    tmp_path / 'work_dirs/my_resnet18')
    # SOCKET only: SHOT on the same data adds nothing the paired folders'
    # run above does not check.
    convert_and_adapt(tmp_path, blocks, env, 'socket-layout', ('socket', ))
    # adapt's own export, loaded without mmsocket, scores the encoded test
    # set as the run's evaluation did.
    export_dir = 'work_dirs/my_adapt/socket_seed0/export'
    images, labels = encoded_test_set(tmp_path, export_dir, 'kv1')
    scores = exported_scores(tmp_path, export_dir, images)
    acc = 100 * (scores.argmax(1) == torch.tensor(labels)).float().mean()
    record = json.loads((tmp_path / 'work_dirs/my_adapt/socket_seed0/'
                         'result.json').read_text())
    assert float(acc) == pytest.approx(
        record['metrics']['accuracy/top1'], abs=1e-3)
