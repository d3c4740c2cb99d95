"""SOCKET / SHOT end to end through mmengine's Runner on a tiny data set."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmsocket.apis import resolve_config
from tests.fixtures import write_tiny_dataset

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SIZE = 32


def tiny(cfg: Config, data_root: str, work_dir: str, name: str,
         **settings) -> Config:
    """Shrink a synthetic config: tiny network, 32 px, no workers; point its
    settings at ``data_root`` (the class count is read from the data) and
    resolve it."""
    cfg.work_dir = work_dir
    cfg.experiment_name = name
    cfg.log_level = 'WARNING'
    cfg.default_hooks.logger.interval = 1
    model = cfg.source_model if 'sources' in cfg.model else cfg.model
    model.backbone.update(stem_channels=8, base_channels=8)
    model.neck.in_channels = 64
    # The datasets refer to the top-level pipelines and settings.
    for name_ in ('train_pipeline', 'test_pipeline'):
        for t in cfg[name_]:
            if t['type'] == 'Resize':
                t['scale'] = (SIZE + 4, SIZE + 4)
            if 'crop_size' in t:
                t['crop_size'] = SIZE
    cfg.merge_from_dict(
        dict(data_root=data_root, num_classes=None, **settings))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key):
            cfg[key].update(
                num_workers=0, persistent_workers=False, batch_size=4)
    for hook in cfg.get('custom_hooks', []):
        if 'dataloader' in hook:
            hook['dataloader'] = dict(batch_size=4)
    return resolve_config(cfg)


def train_tiny_source(root) -> tuple:
    """The tiny data set and its RGB source model (2 epochs), written
    under ``root``: ``(data_root, checkpoint, num_classes)``. The
    ``source_ckpt`` fixture (tests/conftest.py) makes it once a session."""
    write_tiny_dataset(str(root), per_class=4, ti_per_class=3, size=(12, 16))
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/source/synthetic/kv1_rgb.py'))
    cfg.train_cfg.update(max_epochs=2, val_interval=1)
    cfg = tiny(cfg, str(root), str(root / 'source'), 'source')
    num_classes = len(
        json.load(open(root /
                       'annotations/kv1_tr.json'))['metainfo']['classes'])
    assert cfg.model.head.num_classes == num_classes  # read from the data
    Runner.from_cfg(cfg).train()
    return str(root), str(root / 'source' / 'source.pth'), num_classes


def transfer_cfg(method, data_root, ckpt, num_classes, work_dir, epochs=2):
    cfg = Config.fromfile(
        osp.join(ROOT, f'configs/{method}/synthetic/kv1_to_kv1.py'))
    cfg.train_cfg.update(max_epochs=epochs, val_interval=epochs)
    cfg.randomness = dict(seed=0, deterministic=False)
    cfg = tiny(
        cfg,
        data_root,
        work_dir,
        f'{method}_{osp.basename(work_dir)}',
        source_checkpoints=[ckpt])
    assert cfg.model.sources[0].model.head.num_classes == num_classes
    return cfg


def trained_state(runner):
    return {k: v.clone() for k, v in runner.model.state_dict().items()}


def test_source_export_carries_class_list(source_ckpt):
    data_root, ckpt, _ = source_ckpt
    saved = torch.load(ckpt, map_location='cpu')
    classes = json.load(open(osp.join(
        data_root, 'annotations/kv1_tr.json')))['metainfo']['classes']
    assert list(saved['meta']['dataset_meta']['classes']) == classes
    assert 'optimizer' not in saved
    assert any(k.startswith('head.fc') for k in saved['state_dict'])


@pytest.mark.parametrize('method', ['socket', 'shot'])
def test_transfer_trains_and_reports_accuracy(source_ckpt, tmp_path, method):
    data_root, ckpt, num_classes = source_ckpt
    runner = Runner.from_cfg(
        transfer_cfg(method, data_root, ckpt, num_classes, str(tmp_path)))
    runner.train()
    metrics = runner.val_loop.run()
    assert 0 <= metrics['accuracy/top1'] <= 100
    assert metrics['accuracy/source_0'] == metrics['accuracy/top1']
    model = runner.model
    assert model.pseudo_labels_ready
    assert model.ti_bank_ready == (method == 'socket')


@pytest.mark.slow
def test_target_labels_do_not_influence_training(source_ckpt, tmp_path):
    """Permuting every target label in the annotation file changes nothing
    in the trained weights: no adaptation step can read them."""
    data_root, ckpt, num_classes = source_ckpt
    states = []
    for variant in ('true', 'permuted'):
        root = tmp_path / variant
        ann_dir = root / 'annotations'
        ann_dir.mkdir(parents=True)
        for name in ('kv1_tr.json', 'ti.json'):
            ann = json.load(open(osp.join(data_root, 'annotations', name)))
            if variant == 'permuted':
                for rec in ann['data_list']:
                    rec['gt_label'] = (rec['gt_label'] + 1) % len(
                        ann['metainfo']['classes'])
            json.dump(ann, open(ann_dir / name, 'w'))
        cfg = transfer_cfg('socket', data_root, ckpt, num_classes,
                           str(root / 'work'))
        for ds in cfg.train_dataloader.dataset.streams.values():
            ds.ann_file = str(ann_dir / osp.basename(ds.ann_file))
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        runner = Runner.from_cfg(cfg)
        runner.train()
        states.append(trained_state(runner))
    assert states[0].keys() == states[1].keys()
    for key in states[0]:
        assert torch.equal(states[0][key], states[1][key]), key


@pytest.mark.slow
def test_resume_restores_banks_and_continues(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    work = str(tmp_path / 'work')
    first = Runner.from_cfg(
        transfer_cfg('socket', data_root, ckpt, num_classes, work, epochs=1))
    first.train()
    bank = first.model.ti_bank.clone()
    labels = first.model.pl_centroids.clone()

    cfg = transfer_cfg('socket', data_root, ckpt, num_classes, work, epochs=2)
    cfg.experiment_name = 'socket_resumed'
    cfg.resume = True
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    assert resumed.iter == 2 * first.iter
    # psi comes from the original source encoders; a resumed run must keep
    # the saved bank, not re-extract it with the adapted ones.
    assert torch.equal(resumed.model.ti_bank, bank)
    assert resumed.model.pl_centroids.shape == labels.shape


def test_class_list_mismatch_is_refused(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    ann = json.load(open(osp.join(data_root, 'annotations/kv1_tr.json')))
    ann['metainfo']['classes'] = list(reversed(ann['metainfo']['classes']))
    path = tmp_path / 'reversed.json'
    json.dump(ann, open(path, 'w'))
    cfg = transfer_cfg('socket', data_root, ckpt, num_classes, str(tmp_path))
    cfg.train_dataloader.dataset.streams.target.ann_file = str(path)
    with pytest.raises(ValueError, match='source models were trained on'):
        Runner.from_cfg(cfg).train()


@pytest.mark.slow
def test_unadapted_config_evaluates_the_source_checkpoint(
        source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/unadapted/synthetic/kv1_to_kv1.py'))
    cfg = tiny(cfg, data_root, str(tmp_path), 'unadapted', load_from=ckpt)
    metrics = Runner.from_cfg(cfg).test()
    assert 0 <= metrics['accuracy/top1'] <= 100
