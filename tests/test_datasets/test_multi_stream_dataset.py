# Copyright (c) mmsocket contributors. All rights reserved.
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmsocket.datasets import MultiStreamDataset
from mmsocket.registry import DATASETS
from tests.fixtures import write_tiny_dataset


class IndexDataset:
    """A stand-in stream whose sample ``i`` is ``('name', i)``."""

    def __init__(self, name, n):
        self.name, self.n = name, n
        self.metainfo = dict(classes=(name, ))
        self.full_init_calls = 0

    def full_init(self):
        self.full_init_calls += 1

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        return (self.name, idx)


def secondary_draws(ds, name, num):
    return [ds[i % len(ds)][name][1] for i in range(num)]


def test_length_and_primary_indexed_directly():
    ds = MultiStreamDataset(
        dict(target=IndexDataset('target', 5), ti=IndexDataset('ti', 3)),
        primary='target')
    assert len(ds) == 5
    for i in range(5):
        out = ds[i]
        assert set(out) == {'target', 'ti'}
        assert out['target'] == ('target', i)
        assert out['ti'][0] == 'ti'
    # The primary may be the shorter stream too.
    ds = MultiStreamDataset(
        dict(target=IndexDataset('target', 5), ti=IndexDataset('ti', 3)),
        primary='ti')
    assert len(ds) == 3
    assert ds[2]['ti'] == ('ti', 2)
    assert ds.metainfo == dict(classes=('ti', ))


def test_secondary_visits_every_sample_once_per_pass_and_reshuffles():
    n = 7
    ds = MultiStreamDataset(
        dict(target=IndexDataset('target', 4), ti=IndexDataset('ti', n)),
        primary='target')
    np.random.seed(0)
    draws = secondary_draws(ds, 'ti', 3 * n)
    passes = [draws[k * n:(k + 1) * n] for k in range(3)]
    for p in passes:
        # every TI sample exactly once in each pass of len(ti) draws
        assert sorted(p) == list(range(n))
    # a new order each pass (7! = 5040 orders; seeded, so deterministic)
    assert len({tuple(p) for p in passes}) == 3
    # shuffled, not the identity / reversed order
    assert passes[0] not in (list(range(n)), list(range(n))[::-1])

    # np.random seeded -> reproducible sequence
    ds2 = MultiStreamDataset(
        dict(target=IndexDataset('target', 4), ti=IndexDataset('ti', n)),
        primary='target')
    np.random.seed(0)
    assert secondary_draws(ds2, 'ti', 3 * n) == draws


def test_two_secondary_streams_walk_independently():
    ds = MultiStreamDataset(
        dict(
            a=IndexDataset('a', 2),
            b=IndexDataset('b', 3),
            c=IndexDataset('c', 5)),
        primary='a')
    np.random.seed(1)
    outs = [ds[i % 2] for i in range(15)]
    b = [o['b'][1] for o in outs]
    c = [o['c'][1] for o in outs]
    # b: 15 draws = 5 passes of 3; c: 3 passes of 5
    for k in range(5):
        assert sorted(b[3 * k:3 * k + 3]) == [0, 1, 2]
    for k in range(3):
        assert sorted(c[5 * k:5 * k + 5]) == [0, 1, 2, 3, 4]


def test_errors():
    with pytest.raises(KeyError, match='tgt'):
        MultiStreamDataset(
            dict(target=IndexDataset('target', 2)), primary='tgt')
    with pytest.raises(ValueError, match="'ti' is empty"):
        MultiStreamDataset(
            dict(target=IndexDataset('target', 2), ti=IndexDataset('ti', 0)),
            primary='target')


def test_full_init_reaches_every_stream():
    t, ti = IndexDataset('target', 2), IndexDataset('ti', 2)
    ds = MultiStreamDataset(dict(target=t, ti=ti), primary='target')
    ds.full_init()
    assert t.full_init_calls == 1 and ti.full_init_calls == 1


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    init_default_scope('mmsocket')
    # TR: 3 classes x 2 = 6 samples; TI: 2 classes x 2 = 4 pairs.
    return write_tiny_dataset(
        tmp_path_factory.mktemp('tiny_ms'), per_class=2, ti_per_class=2)


def stream_cfg(tiny):
    pipeline = [dict(type='LoadModality'), dict(type='PackInputs')]
    common = dict(
        type='MultiModalDataset',
        data_root=tiny['data_root'],
        modality='depth',
        with_label=False,
        serialize_data=False,
        pipeline=pipeline)
    return dict(
        type='MultiStreamDataset',
        primary='target',
        streams=dict(
            target=dict(ann_file=tiny['ann']['tr'], **common),
            ti=dict(ann_file=tiny['ann']['ti'], **common)))


def test_build_from_config(tiny):
    ds = DATASETS.build(stream_cfg(tiny))
    assert isinstance(ds, MultiStreamDataset)
    assert len(ds) == 6
    # the primary's metainfo (a copy)
    assert list(ds.metainfo['classes']) == ['bathroom', 'kitchen', 'office']
    ds.metainfo['classes'].append('x')
    assert len(ds.metainfo['classes']) == 3


def test_through_runner_build_dataloader(tiny):
    init_default_scope('mmsocket')
    loader = Runner.build_dataloader(
        dict(
            batch_size=2,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            dataset=stream_cfg(tiny)),
        seed=0)
    batches = list(loader)
    assert len(batches) == 3  # 6 target samples / batch 2
    ti_seen = []
    for b, batch in enumerate(batches):
        assert set(batch) == {'target', 'ti'}
        for name in ('target', 'ti'):
            assert set(batch[name]) == {'inputs', 'data_samples'}
            inputs = batch[name]['inputs']
            samples = batch[name]['data_samples']
            assert isinstance(inputs, list) and len(inputs) == 2
            assert isinstance(samples, list) and len(samples) == 2
            for x, s in zip(inputs, samples):
                assert isinstance(x, torch.Tensor)
                assert tuple(x.shape) == (3, 8, 10)
                assert 'gt_label' not in s
        # Target indexed in sampler order (no shuffle): 2b, 2b+1.
        assert [s.sample_idx for s in batch['target']['data_samples']
                ] == [2 * b, 2 * b + 1]
        tgt_paths = [s.img_path for s in batch['target']['data_samples']]
        assert all('/kv1/' in p for p in tgt_paths)
        ti_seen += [s.sample_idx for s in batch['ti']['data_samples']]
        assert all('/kv1_ti/' in s.img_path
                   for s in batch['ti']['data_samples'])
    # 6 TI draws over 4 TI pairs: the first 4 are one full pass.
    assert sorted(ti_seen[:4]) == [0, 1, 2, 3]
    assert len(set(ti_seen[4:])) == 2


def ti_draws_over_epochs(persistent_workers, epochs=2):
    torch.manual_seed(0)  # what the Runner's randomness.seed does
    ds = MultiStreamDataset(
        dict(target=IndexDataset('target', 4), ti=IndexDataset('ti', 6)),
        primary='target')
    loader = Runner.build_dataloader(
        dict(
            batch_size=2,
            num_workers=1,
            persistent_workers=persistent_workers,
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='pseudo_collate'),
            dataset=ds),
        seed=0)
    draws = []
    for epoch in range(epochs):
        loader.sampler.set_epoch(epoch)
        for batch in loader:
            # pseudo_collate transposes the ('ti', j) pairs of a batch
            names, indices = batch['ti']
            assert list(names) == ['ti', 'ti']
            draws += [int(j) for j in indices]
    return draws


def test_worker_sequence_continues_across_epochs_with_persistent_workers():
    init_default_scope('mmsocket')
    # 2 epochs x 4 draws: the first 6 are one full pass over the 6 TI pairs
    draws = ti_draws_over_epochs(persistent_workers=True)
    assert len(draws) == 8 and sorted(draws[:6]) == list(range(6))


def test_worker_sequence_reshuffles_across_epochs_without_persistence():
    init_default_scope('mmsocket')
    # Fresh workers each epoch cannot continue a pass, but they must not
    # replay the previous epoch's draws (mmengine re-seeds NumPy the same
    # way in every new worker); within an epoch no pair repeats.
    draws = ti_draws_over_epochs(persistent_workers=False, epochs=4)
    epochs = [tuple(draws[i:i + 4]) for i in range(0, 16, 4)]
    assert all(len(set(e)) == 4 for e in epochs)
    assert len(set(epochs)) > 1
    # ...and the sequence is reproducible from the run's seed
    assert draws == ti_draws_over_epochs(persistent_workers=False, epochs=4)


def test_paired_stream_follows_its_leader():
    ds = MultiStreamDataset(
        dict(
            target=IndexDataset('target', 2),
            ti=IndexDataset('ti', 5),
            ti_source=IndexDataset('ti_source', 5)),
        primary='target',
        paired=dict(ti_source='ti'))
    np.random.seed(0)
    outs = [ds[i % 2] for i in range(10)]
    assert [o['ti'][1] for o in outs] == [o['ti_source'][1] for o in outs]
    assert sorted(o['ti'][1] for o in outs[:5]) == [0, 1, 2, 3, 4]
    # a dropped follower drops its pairing; bad leaders are refused
    ds = MultiStreamDataset(
        dict(target=IndexDataset('target', 2), ti=IndexDataset('ti', 5)),
        primary='target',
        paired=dict(ti_source='ti'))
    assert ds.paired == {}
    with pytest.raises(ValueError, match='leader'):
        MultiStreamDataset(
            dict(target=IndexDataset('target', 2), b=IndexDataset('b', 5)),
            primary='target',
            paired=dict(b='target'))
    with pytest.raises(ValueError, match='same samples'):
        MultiStreamDataset(
            dict(
                target=IndexDataset('target', 2),
                ti=IndexDataset('ti', 5),
                b=IndexDataset('b', 4)),
            primary='target',
            paired=dict(b='ti'))


def test_paired_rgb_and_depth_of_one_ti_record(tiny):
    cfg = stream_cfg(tiny)
    rgb = dict(cfg['streams']['ti'], modality='rgb')
    cfg['streams']['ti_source'] = rgb
    cfg['paired'] = dict(ti_source='ti')
    ds = DATASETS.build(cfg)
    for i in range(6):
        out = ds[i]
        ti, src = out['ti']['data_samples'], out['ti_source']['data_samples']
        assert osp.dirname(ti.img_path) == osp.dirname(src.img_path)
        assert ti.img_path.endswith('depth.png')
        assert src.img_path.endswith('rgb.png')


def test_paired_stream_derived_from_leader_config(tiny):
    cfg = stream_cfg(tiny)
    cfg['paired'] = dict(ti_source=dict(stream='ti', modality='rgb'))
    ds = DATASETS.build(cfg)
    assert ds.streams['ti_source'].modality == 'rgb'
    out = ds[0]
    ti, src = out['ti']['data_samples'], out['ti_source']['data_samples']
    assert osp.dirname(ti.img_path) == osp.dirname(src.img_path)
    # a config that drops the leader drops the derived follower as well
    cfg['streams']['ti'] = None
    assert 'ti_source' not in DATASETS.build(cfg).streams
    cfg['paired'] = dict(ti_source=dict(stream='nope'))
    with pytest.raises(ValueError, match='nope'):
        DATASETS.build(cfg)


def test_sample_ids_one_function_for_streams_and_hooks(tmp_path):
    from mmsocket.datasets import sample_ids
    from mmsocket.engine.hooks import pseudo_label_hook, ti_feature_bank_hook
    assert pseudo_label_hook.sample_ids is sample_ids
    assert ti_feature_bank_hook.sample_ids is sample_ids
    tiny = write_tiny_dataset(str(tmp_path))
    ds = DATASETS.build(
        dict(
            type='MultiModalDataset',
            data_root=tiny['data_root'],
            ann_file=tiny['ann']['tr'],
            modality='depth'))
    assert sample_ids(ds) == [r['sample_id'] for r in tiny['tr']]
    assert sample_ids(IndexDataset('ti', 3)) is None  # no identities
