# Copyright (c) mmsocket contributors. All rights reserved.
"""mmpretrain's own tools on our source configs and ``source.pth``, in
fresh processes (they build in the 'mmpretrain' scope): get_model, the
inferencer, tools/analysis_tools/get_flops.py, tools/visualization/
browse_dataset.py (run from the copies mmpretrain ships in its package)."""
import json
import os
import os.path as osp
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


def _run(cmd, cwd):
    env = dict(subprocess_env(), MPLBACKEND='Agg')
    return run_checked([sys.executable, *cmd], cwd, env=env, timeout=300)


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
    run_checked([
        osp.join(REPO_ROOT, 'tools/misc/print_config.py'),
        str(leaf), '--out',
        str(config)
    ], str(tmp))
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


def test_inferencer_and_get_model_on_a_source_config(source):
    images = [
        osp.join(source['info']['data_root'], r['rgb_path'])
        for r in source['info']['tr'][:3]
    ]
    out = _run(['-c', _INFER, source['config'], source['checkpoint'], *images],
               source['tmp'])
    got = json.loads(out.rsplit('RESULT=', 1)[1].splitlines()[0])
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


def test_get_flops_on_a_source_config(source):
    out = _run([
        osp.join(MMPRETRAIN_TOOLS, 'analysis_tools', 'get_flops.py'),
        source['config'], '--shape', '64'
    ], source['tmp'])
    assert 'Flops:' in out and 'Params:' in out


def test_browse_dataset_on_a_source_config(source):
    out_dir = osp.join(source['tmp'], 'browse')
    _run([
        osp.join(MMPRETRAIN_TOOLS, 'visualization',
                 'browse_dataset.py'), source['config'], '--output-dir',
        out_dir, '--not-show', '--show-number', '2', '--mode', 'original'
    ], source['tmp'])
    # (--mode original: its other modes use a matplotlib call that this
    # matplotlib no longer has, whatever the config.)
    assert os.listdir(out_dir)
