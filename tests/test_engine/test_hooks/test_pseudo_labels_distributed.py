"""Pseudo-labels clustered by 2 gloo ranks, and the monitor's statistics of
that refresh, equal a single process's."""
import os

import pytest
import torch
from mmengine.dataset import DefaultSampler, pseudo_collate
from torch.utils.data import DataLoader, Dataset

from tests.gloo_ranks import on_gloo_ranks
from tests.test_models.test_algorithms.toy_socket import build_socket, stream
from .test_pseudo_label_monitor import monitored

N = 13  # odd: the distributed sampler pads one rank with a repeated index


class ToyTargetSet(Dataset):

    def __init__(self):
        g = torch.Generator().manual_seed(7)
        self.images = torch.randint(
            0, 256, (N, 3, 32, 32), generator=g, dtype=torch.uint8)

    def __len__(self):
        return N

    def __getitem__(self, i):
        packed = stream(self.images[i:i + 1], [i])
        return dict(
            inputs=packed['inputs'][0], data_samples=packed['data_samples'][0])


def cluster(num_sources):
    """Build the same model state on every rank and refresh the labels."""
    model = build_socket(num_sources, seed=11)
    loader = DataLoader(
        ToyTargetSet(),
        batch_size=4,
        sampler=DefaultSampler(ToyTargetSet(), shuffle=False),
        collate_fn=pseudo_collate)
    model.refresh_pseudo_labels(loader)
    zeta = model.mixer().detach()
    labels = model.batch_pseudo_labels(torch.arange(N), zeta)
    return dict(
        features=model.pl_features,
        centroids=model.pl_centroids,
        labelset=model.pl_labelset,
        labels=labels)


def _worker(rank, out_dir):
    """On each forked gloo rank (tests/gloo_ranks.py): its labels and
    statistics, saved for the test."""
    for num_sources in (1, 2):
        torch.save(
            cluster(num_sources),
            os.path.join(out_dir, f'{num_sources}_{rank}.pt'))
        torch.save(
            monitored(build_socket(num_sources, seed=11)),
            os.path.join(out_dir, f'monitor_{num_sources}_{rank}.pt'))


@pytest.mark.slow
def test_two_ranks_give_the_single_process_labels_and_statistics(tmp_path):
    on_gloo_ranks(_worker, str(tmp_path), world_size=2)
    for num_sources in (1, 2):
        single = cluster(num_sources)
        for rank in range(2):
            got = torch.load(tmp_path / f'{num_sources}_{rank}.pt')
            for key, value in single.items():
                torch.testing.assert_close(
                    got[key], value, msg=f'rank {rank}: {key}')
        # Every rank logs the statistics one process would.
        single = monitored(build_socket(num_sources, seed=11))
        for rank in range(2):
            got = torch.load(tmp_path / f'monitor_{num_sources}_{rank}.pt')
            assert got == pytest.approx(single), (num_sources, rank)
