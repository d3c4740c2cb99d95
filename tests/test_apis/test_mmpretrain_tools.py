# Copyright (c) mmsocket contributors. All rights reserved.
"""mmpretrain's own tools on our source configs and ``source.pth``:
get_model, the inferencer, tools/analysis_tools/get_flops.py,
tools/visualization/browse_dataset.py (run from the copies mmpretrain ships
in its package). They build in the 'mmpretrain' scope: each runs as in a
fresh process, a forked child of one clean process that has imported torch,
mmengine and mmpretrain and nothing else (no mmsocket, no config read, no
default scope set)."""
import json
import os
import os.path as osp
import runpy
import sys

import mmpretrain
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from toy_parts import REPO_ROOT, run_checked, subprocess_env

from mmsocket.registry import MODELS
from tests.fixtures import write_tiny_dataset

MMPRETRAIN_TOOLS = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools')

pytestmark = pytest.mark.slow

_INFER = r'''
import json, sys
from mmpretrain.apis import ImageClassificationInferencer, get_model
config, ckpt, *images = sys.argv[1:]
model = get_model(config, pretrained=ckpt)
results = ImageClassificationInferencer(config, pretrained=ckpt)(images)
print('RESULT=' + json.dumps(dict(
    model=type(model).__name__, neck=type(model.neck).__name__,
    labels=[r['pred_label'] for r in results],
    classes=[r['pred_class'] for r in results],
    scores=[r['pred_scores'].tolist() for r in results])))
'''

# Each job of the JSON list in argv[1] ({name, argv, log, code?}) in its own
# forked child: the script argv[0] as __main__ (or `code`, with argv), its
# stdout and stderr into the file `log`; prints every job's exit code.
_FORK_EACH = r'''
import json, os, runpy, sys, traceback
import mmengine, mmpretrain.apis, torch  # noqa: what every job imports
clean = not any(m.split('.')[0] == 'mmsocket' for m in sys.modules)
with open(sys.argv[1]) as f:
    jobs = json.load(f)
codes = {}
for job in jobs:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            fd = os.open(job['log'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            sys.argv = job['argv']
            if job.get('code'):
                exec(compile(job['code'], '<job>', 'exec'),
                     dict(__name__='__main__'))
            else:
                runpy.run_path(job['argv'][0], run_name='__main__')
            code = 0
        except SystemExit as e:  # as the interpreter would exit
            code = e.code if isinstance(e.code, int) else int(
                e.code is not None)
            if e.code is not None and not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    codes[job['name']] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
print('RESULT=' + json.dumps(dict(codes=codes, clean=clean)))
'''


@pytest.fixture(scope='module')
def source(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('source')
    info = write_tiny_dataset(str(tmp / 'data'), size=(40, 48))
    n = len(info['classes'])
    leaf = tmp / 'source.py'
    base = osp.join(REPO_ROOT, 'configs/source/synthetic/kv1_rgb.py')
    root = info['data_root']
    leaf.write_text(f'''_base_ = [{base!r}]
data_root = {root!r}
num_classes = {n}
train_dataloader = dict(num_workers=0, persistent_workers=False)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
''')
    # mmpretrain's tools read a config file as it is: they get the resolved
    # one (docs/export.md#using-mmpretrains-tools-on-mmsocket-configs).
    config = tmp / 'source_resolved.py'
    # (tools/misc/print_config.py's main(), in this process.)
    print_config = runpy.run_path(
        osp.join(REPO_ROOT, 'tools/misc/print_config.py'))['main']
    assert print_config([str(leaf), '--out', str(config)]) == 0
    cfg = Config.fromfile(str(config))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    ckpt = str(tmp / 'source.pth')
    # What ExportCheckpointHook writes.
    torch.save(
        dict(
            meta=dict(dataset_meta=dict(classes=list(info['classes']))),
            state_dict=model.state_dict()), ckpt)
    return dict(
        config=str(config),
        cfg=cfg,
        model=model.eval(),
        checkpoint=ckpt,
        info=info,
        tmp=str(tmp))


def test_mmpretrain_tools_on_a_source_config(source):
    """get_model + the inferencer, get_flops.py and browse_dataset.py, each
    in its own forked child of one clean process."""
    tmp = source['tmp']
    images = [
        osp.join(source['info']['data_root'], r['rgb_path'])
        for r in source['info']['tr'][:3]
    ]
    browse_dir = osp.join(tmp, 'browse')
    jobs = [
        dict(
            name='inferencer',
            code=_INFER,
            argv=['-c', source['config'], source['checkpoint'], *images]),
        dict(
            name='get_flops',
            argv=[
                osp.join(MMPRETRAIN_TOOLS, 'analysis_tools', 'get_flops.py'),
                source['config'], '--shape', '64'
            ]),
        # (--mode original: its other modes use a matplotlib call that this
        # matplotlib no longer has, whatever the config.)
        dict(
            name='browse_dataset',
            argv=[
                osp.join(MMPRETRAIN_TOOLS, 'visualization',
                         'browse_dataset.py'), source['config'],
                '--output-dir', browse_dir, '--not-show', '--show-number', '2',
                '--mode', 'original'
            ]),
    ]
    for job in jobs:
        job['log'] = osp.join(tmp, f"{job['name']}.log")
    spec = osp.join(tmp, 'jobs.json')
    with open(spec, 'w') as f:
        json.dump(jobs, f)
    out = run_checked([sys.executable, '-c', _FORK_EACH, spec],
                      tmp,
                      env=dict(subprocess_env(), MPLBACKEND='Agg'),
                      timeout=300)
    ran = json.loads(out.rsplit('RESULT=', 1)[1].splitlines()[0])
    assert ran['clean'], 'the forking process imported mmsocket'
    assert list(ran['codes']) == [job['name'] for job in jobs]
    logs = {}
    for job in jobs:
        with open(job['log']) as f:
            logs[job['name']] = f.read()
    for name, code in ran['codes'].items():
        assert code == 0, f'{name} exited with {code}:\n{logs[name][-5000:]}'

    _check_inferencer(logs['inferencer'], images, source)
    assert 'Flops:' in logs['get_flops'] and 'Params:' in logs['get_flops']
    assert os.listdir(browse_dir)


def _check_inferencer(log, images, source):
    """get_model's model and the inferencer's predictions are ours."""
    got = json.loads(log.rsplit('RESULT=', 1)[1].splitlines()[0])
    assert got['model'] == 'ImageClassifier'
    assert got['neck'] == 'FeatureBottleneck'

    # The same images through our test pipeline and model.
    pipeline = Compose(source['cfg'].test_dataloader.dataset.pipeline)
    batch = pseudo_collate([
        pipeline(dict(img_path=p, modality='rgb', sample_idx=i))
        for i, p in enumerate(images)
    ])
    with torch.no_grad():
        preds = source['model'].test_step(batch)
    assert got['labels'] == [int(p.pred_label) for p in preds]
    assert got['classes'] == [
        source['info']['classes'][int(p.pred_label)] for p in preds
    ]
    torch.testing.assert_close(
        torch.tensor(got['scores']),
        torch.stack([p.pred_score for p in preds]),
        rtol=1e-5,
        atol=1e-6)
