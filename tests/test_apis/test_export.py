# Copyright (c) mmsocket contributors. All rights reserved.
"""Export: adapted models as stock mmpretrain models, TorchScript and ONNX;
predictions equal the original's; weights converters."""
import io
import json
import os
import os.path as osp
import pickletools
import sys
import zipfile

import mmcv
import numpy as np
import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from toy_parts import REPO_ROOT, run_checked

from mmsocket.apis import resolve_config
from mmsocket.apis.export import (build_mmpretrain, convert_torchvision_resnet,
                                  export_model, read_adapted_model,
                                  strip_checkpoint, to_mmpretrain)
from mmsocket.datasets.transforms import LoadModality
from mmsocket.models.utils import build_source_classifier
from mmsocket.registry import MODELS
from tests.fixtures import write_tiny_dataset
from tests.test_models.test_algorithms.toy_socket import tiny_source


def _perturbed(model, seed):
    """Move every weight a little, as adaptation would."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=g))
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.add_(
                    0.1 * torch.randn(m.running_mean.shape, generator=g))
    return model


def _convnext_source():
    return dict(
        type='ImageClassifier',
        data_preprocessor=tiny_source()['data_preprocessor'],
        backbone=dict(
            type='ConvNeXt',
            arch=dict(depths=[1, 1, 1, 1], channels=[8, 16, 32, 64])),
        neck=dict(type='FeatureBottleneck', in_channels=64, out_channels=16),
        head=dict(type='WeightNormClsHead', num_classes=3, in_channels=16))


@pytest.mark.parametrize('source', [tiny_source, _convnext_source])
def test_bottleneck_and_weight_norm_head_map_onto_stock_parts(source):
    cfg = source()
    ours = _perturbed(build_source_classifier(cfg)[0], 0).eval()
    e = to_mmpretrain(cfg, ours.state_dict(), cfg['data_preprocessor'],
                      (32, 32))
    assert e.config['neck']['type'] == 'LinearNeck'
    # ConvNeXt pools before its last norm: the neck must not pool again.
    assert e.config['neck']['gap_dim'] == (2 if source is tiny_source else 0)
    assert e.config['head']['type'] == 'LinearClsHead'
    exported = build_mmpretrain(e.config, e.state_dict)
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(
            exported(x, mode='tensor'), ours(x, mode='tensor'))
    # The folded weight is W = g * v / ||v|| per row.
    g = ours.head.fc.parametrizations.weight.original0
    v = ours.head.fc.parametrizations.weight.original1
    torch.testing.assert_close(e.state_dict['head.fc.weight'],
                               g * v / v.norm(dim=1, keepdim=True))


def test_models_that_cannot_be_exported_are_refused(tmp_path):
    path = str(tmp_path / 'x.pth')
    torch.save(dict(state_dict={}), path)
    cfg = Config(dict(model=dict(type='TGMB', sources=[])))
    with pytest.raises(ValueError, match='TGKT stage'):
        read_adapted_model(cfg, path)


@pytest.fixture(scope='module')
def adapted(tmp_path_factory):
    """A tiny data set, SOCKET configs with one and two sources, and
    checkpoints of (perturbed, i.e. "adapted") SOCKET models."""
    tmp = tmp_path_factory.mktemp('export')
    info = write_tiny_dataset(str(tmp / 'data'), size=(40, 48))
    base = osp.join(REPO_ROOT, 'configs/socket/synthetic/kv1+kv2_to_kv1.py')
    out = dict(info=info, tmp=str(tmp))
    for n in (1, 2):
        config = tmp / f'socket{n}.py'
        sources = ', '.join(['dict(model=_src, checkpoint=None)'] * n)
        config.write_text(f'''_base_ = [{base!r}]
_src = {tiny_source()!r}
num_classes = {len(info['classes'])}  # the tiny data set's, not the base's 12
model = dict(sources=[{sources}])
data_root = {info['data_root']!r}
test_dataloader = dict(num_workers=0, persistent_workers=False,
                       dataset=dict(ann_file='annotations/kv1_tr.json'))
''')
        cfg = resolve_config(Config.fromfile(str(config)))
        torch.manual_seed(n)
        model = _perturbed(MODELS.build(cfg.model), n)
        with torch.no_grad():
            model.mixer.weight.copy_(torch.linspace(0.5, -0.5, n))
        ckpt = str(tmp / f'socket{n}.pth')
        torch.save(
            dict(
                state_dict=model.state_dict(),
                meta=dict(dataset_meta=dict(classes=list(info['classes'])))),
            ckpt)
        out[n] = dict(
            config=str(config), cfg=cfg, checkpoint=ckpt, model=model.eval())
    return out


def _reference(run, info):
    """The SOCKET model's own predictions on the test set (its test
    pipeline, LoadModality on the 16-bit depth files)."""
    cfg = run['cfg']
    pipeline = Compose(cfg.test_dataloader.dataset.pipeline)
    batch = pseudo_collate([
        pipeline(
            dict(
                img_path=osp.join(info['data_root'], r['depth_path']),
                modality='depth',
                sample_idx=i)) for i, r in enumerate(info['tr'])
    ])
    with torch.no_grad():
        return run['model'].test_step(batch)


_LOAD_EXPORTED = r'''
import json, sys
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope, init_default_scope
from mmpretrain.apis import ImageClassificationInferencer
with open(sys.argv[1]) as f:
    exports = json.load(f)
results = []
# Every model through mmpretrain's inferencer first, each in a process where
# nothing has set a default scope ...
for e in exports:
    got = dict(scores={}, scope_before={})
    for name in e['names']:
        scope = DefaultScope.get_current_instance()
        got['scope_before'][name] = scope and scope.scope_name
        path = f"{e['out_dir']}/{name}"
        inf = ImageClassificationInferencer(f'{path}.py',
                                            pretrained=f'{path}.pth')
        res = inf(e['images'], batch_size=4)
        got['scores'][name] = [r['pred_scores'].tolist() for r in res]
        got['classes'] = [r['pred_class'] for r in res]
    results.append(got)
# ... then the TorchScript modules, fed what the exported pipeline produces
# (BGR -> RGB, as float).
init_default_scope('mmpretrain')
for e, got in zip(exports, results):
    pipe = Compose(
        Config.fromfile(f"{e['out_dir']}/{e['names'][0]}.py").test_pipeline)
    x = torch.stack([pipe(dict(img_path=p))['inputs'] for p in e['images']])
    ts = torch.jit.load(f"{e['out_dir']}/ensemble.pt")(x.flip(1).float())
    got['torchscript'] = ts.tolist()
print('RESULT=' + json.dumps(dict(
    exports=results,
    mmsocket_imported=any(m.split('.')[0] == 'mmsocket'
                          for m in sys.modules))))
'''


def _export(adapted, num_sources):
    """Export the SOCKET model with ``num_sources`` sources, check the
    export's own summary and encoded test set, and return what the loader
    needs."""
    run, info = adapted[num_sources], adapted['info']
    out_dir = osp.join(adapted['tmp'], f'exported{num_sources}')
    if num_sources == 1:
        summary = export_model(
            run['config'], run['checkpoint'], out_dir, encode_test=True)
    else:  # the command line, in a fresh process (no default scope set)
        run_checked([
            osp.join(REPO_ROOT,
                     'tools/model_converters/export.py'), run['config'],
            run['checkpoint'], '--out-dir', out_dir, '--encode-test-set'
        ], adapted['tmp'])
        with open(osp.join(out_dir, 'export.json')) as f:
            summary = json.load(f)
    assert summary['classes'] == list(info['classes'])
    assert summary['checks']['onnx']['max_abs_diff'] <= 1e-4
    assert summary['checks']['torchscript_vs_pytorch'] <= 1e-4
    names = ['model'] if num_sources == 1 else ['source0', 'source1']
    images = [
        osp.join(out_dir, 'test_set', info['classes'][r['gt_label']],
                 r['sample_id'].replace('/', '_') + '.png') for r in info['tr']
    ]
    # The encoded images are exactly what LoadModality made of the depth.
    for r, path in zip(info['tr'], images):
        want = LoadModality(depth_range=(0.0, 8.0))(dict(
            img_path=osp.join(info['data_root'], r['depth_path']),
            modality='depth'))['img']
        assert np.array_equal(mmcv.imread(path), want)
    return dict(out_dir=out_dir, names=names, images=images)


@pytest.mark.slow
def test_exported_predictions_equal_the_original(adapted):
    """The one-source export (API) and the two-source one (command line)
    predict what the SOCKET model predicts, loaded by stock mmpretrain and
    torch in one fresh process: no mmsocket import, no default scope set
    before any exported model is loaded."""
    info = adapted['info']
    exports = {n: _export(adapted, n) for n in (1, 2)}
    spec = osp.join(adapted['tmp'], 'load_exported.json')
    with open(spec, 'w') as f:
        json.dump(list(exports.values()), f)
    out = run_checked([sys.executable, '-c', _LOAD_EXPORTED, spec],
                      adapted['tmp'],
                      timeout=300)
    loaded = json.loads(out.rsplit('RESULT=', 1)[1].splitlines()[0])
    assert not loaded['mmsocket_imported']

    for num_sources, got in zip(exports, loaded['exports']):
        names = exports[num_sources]['names']
        assert got['scope_before'] == dict.fromkeys(names), num_sources
        preds = _reference(adapted[num_sources], info)
        for j, name in enumerate(names):
            torch.testing.assert_close(
                torch.tensor(got['scores'][name]),
                torch.stack([p.source_scores[j] for p in preds]),
                rtol=1e-5,
                atol=1e-6)
        ensemble = torch.stack([p.pred_score for p in preds])
        torch.testing.assert_close(
            torch.tensor(got['torchscript']), ensemble, rtol=1e-5, atol=1e-6)
        if num_sources == 1:
            assert got['classes'] == [
                info['classes'][int(p.pred_score.argmax())] for p in preds
            ]


def test_export_never_writes_into_a_used_folder(adapted, tmp_path):
    (tmp_path / 'keep.txt').write_text('mine')
    run = adapted[1]
    with pytest.raises(FileExistsError, match='not empty'):
        export_model(run['config'], run['checkpoint'], str(tmp_path))
    assert os.listdir(tmp_path) == ['keep.txt']


def _globals(path):
    with zipfile.ZipFile(path) as zf:
        data = zf.read(
            next(n for n in zf.namelist() if n.endswith('/data.pkl')))
    return {
        arg.replace(' ', '.')
        for op, arg, _ in pickletools.genops(io.BytesIO(data))
        if op.name == 'GLOBAL'
    }


@pytest.mark.slow
def test_strip_a_stock_checkpoint(stock_classifier, tmp_path):
    out = str(tmp_path / 'stripped.pth')
    dropped = strip_checkpoint(stock_classifier['checkpoint'], out)
    assert {'optimizer', 'message_hub'} <= set(dropped)
    # Only what stock torch allows by default: no numpy, no mmengine.
    allowed = set(torch._weights_only_unpickler._get_allowed_globals())
    assert _globals(out) <= allowed
    got = torch.load(out, weights_only=True)
    assert list(got['meta']['dataset_meta']['classes']) == ['cat', 'dog']
    with pytest.raises(FileExistsError):
        strip_checkpoint(stock_classifier['checkpoint'], out)


def test_torchvision_converter(tmp_path):
    net = torchvision.models.resnet18(num_classes=3)
    src, dst = str(tmp_path / 'tv.pth'), str(tmp_path / 'mm.pth')
    torch.save(net.state_dict(), src)
    with pytest.raises(ValueError, match='3 outputs but 2'):
        convert_torchvision_resnet(src, dst, ['a', 'b'])
    assert convert_torchvision_resnet(src, dst, ['a', 'b', 'c']) == (3, 512)
    model = dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=3, in_channels=512))
    clf, classes = build_source_classifier(model, dst)
    assert classes == ['a', 'b', 'c']
    assert torch.equal(clf.head.fc.weight, net.fc.weight)
