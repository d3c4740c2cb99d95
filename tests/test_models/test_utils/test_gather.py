# Copyright (c) mmsocket contributors. All rights reserved.
import pytest
import torch

from mmsocket.models.utils import gather_by_index


def test_reorders_by_index():
    indices = torch.tensor([2, 0, 3, 1])
    feats = torch.tensor([[20., 21.], [0., 1.], [30., 31.], [10., 11.]])
    labels = torch.tensor([7, 4, 9, 5])
    out_feats, out_labels = gather_by_index(indices, feats, labels, total=4)
    # row of index i lands at position i
    assert out_feats.tolist() == [[0., 1.], [10., 11.], [20., 21.], [30., 31.]]
    assert out_labels.tolist() == [4, 5, 7, 9]
    assert out_labels.dtype == torch.int64


def test_drops_duplicate_indices_from_padding():
    # A distributed sampler pads 5 samples to 6 by repeating index 0; the
    # padded copy is dropped (the first occurrence is kept).
    indices = torch.tensor([4, 0, 2, 1, 3, 0])
    values = torch.tensor([40., 0., 20., 10., 30., 0.])
    (out, ) = gather_by_index(indices, values, total=5)
    assert out.tolist() == [0., 10., 20., 30., 40.]
    # 3-D tensors and several of them
    x = torch.arange(6 * 2 * 3, dtype=torch.float32).view(6, 2, 3)
    (out, ) = gather_by_index(indices, x, total=5)
    assert out.shape == (5, 2, 3)
    assert torch.equal(out[4], x[0]) and torch.equal(out[0], x[1])
    assert torch.equal(out[1], x[3])


def test_gradients_are_detached_and_on_cpu():
    x = torch.rand(3, 2, requires_grad=True)
    (out, ) = gather_by_index(torch.tensor([1, 2, 0]), x, total=3)
    assert not out.requires_grad and out.device.type == 'cpu'
    assert torch.equal(out[1], x[0].detach())


@pytest.mark.parametrize(
    'indices, total',
    [
        ([0, 1, 3], 4),  # index 2 missing
        ([0, 1, 1], 3),  # duplicates do not fill a gap
        ([0, 1, 2, 3], 3),  # an index beyond the data set
        ([], 2),  # nothing at all
    ])
def test_raises_if_an_index_is_missing(indices, total):
    idx = torch.tensor(indices, dtype=torch.long)
    with pytest.raises(RuntimeError, match='every sample'):
        gather_by_index(idx, torch.zeros(len(indices)), total=total)
