import math

import pytest
import torch

from mmsocket.models.utils import ObjectMix, object_mix_mask


@pytest.mark.parametrize('num_classes', [1, 3, 4, 7])
def test_mask_takes_exactly_the_chosen_classes(num_classes):
    g = torch.Generator().manual_seed(num_classes)
    sem = torch.randint(0, num_classes, (3, 10, 12), generator=g)
    sem[:, 0, :num_classes] = torch.arange(num_classes)  # all present
    mask, chosen = object_mix_mask(sem, generator=g)
    assert mask.shape == (3, 1, 10, 12)
    for s, m, c in zip(sem, mask, chosen):
        assert c.numel() == math.ceil(num_classes / 2)  # ClassMix rounding
        assert len(set(c.tolist())) == c.numel()
        expect = torch.zeros_like(s, dtype=torch.bool)
        for k in c.tolist():
            expect |= s == k
        assert torch.equal(m[0].bool(), expect)


def test_ignore_index_is_never_taken():
    sem = torch.tensor([[[0, 1], [255, 255]]])
    for seed in range(10):
        mask, chosen = object_mix_mask(
            sem,
            ignore_index=255,
            generator=torch.Generator().manual_seed(seed))
        assert 255 not in chosen[0].tolist() and chosen[0].numel() == 1
        assert mask[0, 0, 1].sum() == 0


def test_object_mix_pastes_from_the_first_image():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, 4)
    sem = torch.randint(0, 4, (2, 4, 4))
    mixed, mask = ObjectMix()(x, sem, perm=[1, 0])
    m = mask.bool().expand_as(x)
    assert torch.equal(mixed[m], x[m])
    assert torch.equal(mixed[~m], x[[1, 0]][~m])


def test_errors():
    with pytest.raises(ValueError, match='integer'):
        object_mix_mask(torch.rand(1, 2, 2))
    with pytest.raises(ValueError, match='match'):
        ObjectMix()(torch.rand(2, 3, 4, 4), torch.zeros(2, 5, 4).long())
