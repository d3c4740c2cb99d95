# Copyright (c) mmsocket contributors. All rights reserved.
"""Decoding each image once gives the tensors reading the files gives, for
every modality; files are decoded once per (file, settings) while the cache
is on, again when they change; a whole run is bit-identical with and without
it, and decodes each image once."""
import os
import os.path as osp

import numpy as np
import pytest
import torch

from mmsocket.datasets import decode_cache as decode_cache_module
from mmsocket.datasets.decode_cache import DecodeCache, decode_cache
from mmsocket.datasets.transforms import LoadModality
from mmsocket.datasets.transforms import loading as loading_module
from tests.fixtures import write_png, write_tiny_dataset


@pytest.fixture
def decodes(monkeypatch):
    """Count the decodes LoadModality does."""
    count = []
    original = LoadModality._decode

    def counted(self, path, modality):
        count.append((path, modality))
        return original(self, path, modality)

    monkeypatch.setattr(LoadModality, '_decode', counted)
    return count


def _paths(tmp_path):
    info = write_tiny_dataset(
        str(tmp_path), modalities=('rgb', 'depth', 'nir'), per_class=2)
    return [(osp.join(info['data_root'], rec[f'{m}_path']), m)
            for rec in info['tr'] for m in ('rgb', 'depth', 'nir')]


def _load(t, path, modality):
    return t(dict(img_path=path, modality=modality))['img']


def test_cached_images_equal_decoded_ones(tmp_path, decodes):
    paths = _paths(tmp_path)
    t = LoadModality(depth_range=(0.5, 8.0))
    plain = [_load(t, p, m) for p, m in paths]
    assert len(decodes) == len(paths)
    with decode_cache() as cache:
        for _ in range(3):  # e.g. epoch, pseudo-label pass, test
            for (p, m), ref in zip(paths, plain):
                img = _load(t, p, m)
                assert img.dtype == ref.dtype and np.array_equal(img, ref)
                img[...] = 0  # a later transform writing in place
    assert len(decodes) == 2 * len(paths)  # once more, not three times
    assert cache.misses == len(paths) and cache.hits == 2 * len(paths)
    assert decode_cache_module.active_cache() is None  # off again


def test_settings_and_changed_files_decode_again(tmp_path, decodes):
    (path, _), = [pm for pm in _paths(tmp_path) if pm[1] == 'depth'][:1]
    near, far = LoadModality(depth_range=(0, 5)), LoadModality()
    with decode_cache():
        a, b = _load(near, path, 'depth'), _load(far, path, 'depth')
        assert not np.array_equal(a, b) and len(decodes) == 2
        _load(near, path, 'depth')
        assert len(decodes) == 2
        new = np.full((8, 10), 4000, np.uint16)
        write_png(path, new)
        os.utime(path, ns=(1, 1))  # a different modification time
        assert np.array_equal(
            _load(far, path, 'depth')[..., 0],
            loading_module.depth_to_uint8(new, (0, 10)))
        assert len(decodes) == 3


def test_byte_budget_evicts_least_recent():
    cache = DecodeCache(max_bytes=250)
    img = np.zeros(100, np.uint8)
    for i, name in enumerate(('a', 'b', 'c')):
        # Any existing file: the settings tell the entries apart.
        cache.get(__file__, name, lambda: img + i)
    assert len(cache) == 2 and cache.bytes == 200
    cache.get(__file__, 'a', lambda: img)  # dropped: decoded again
    assert cache.misses == 4
    too_big = DecodeCache(max_bytes=10)
    assert too_big.get(__file__, 'x', lambda: img).size == 100
    assert len(too_big) == 0  # larger than the budget: not kept


def test_zero_budget_turns_it_off(tmp_path, decodes):
    (path, m), = _paths(tmp_path)[:1]
    with decode_cache(0) as cache:
        assert cache is None
        _load(LoadModality(), path, m)
        _load(LoadModality(), path, m)
    assert len(decodes) == 2


def test_run_is_identical_with_and_without_the_cache(source_ckpt, tmp_path,
                                                     decodes):
    from mmsocket.apis.experiment import prepare_config, run_config
    from tests.test_engine.test_socket_runner import transfer_cfg
    data_root, ckpt, num_classes = source_ckpt
    results, states, counts = {}, {}, {}
    for bytes_ in (0, 2**26):
        work_dir = str(tmp_path / f'socket_{bytes_}')
        cfg = transfer_cfg('socket', data_root, ckpt, num_classes, work_dir)
        prepare_config(cfg, work_dir, seed=0, final_eval_only=False)
        decodes.clear()
        results[bytes_] = run_config(cfg, decode_cache_bytes=bytes_)
        counts[bytes_] = list(decodes)
        states[bytes_] = torch.load(
            osp.join(work_dir, 'epoch_2.pth'),
            map_location='cpu',
            weights_only=False)['state_dict']
    assert results[0] == results[2**26]
    assert states[0].keys() == states[2**26].keys()
    for k, v in states[0].items():
        assert torch.equal(v, states[2**26][k]), k
    # Each (file, modality) once with the cache; many times without.
    assert len(counts[2**26]) == len(set(counts[2**26]))
    assert len(counts[0]) > 2 * len(counts[2**26])
