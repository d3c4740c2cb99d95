# Copyright (c) mmsocket contributors. All rights reserved.
"""The tests' process-group ports: in the worker's own band, below the
kernel's ephemeral range, and free."""
import random
import socket

import toy_parts
from toy_parts import PORT_BASE, PORTS_PER_WORKER, free_port


def _band(port):
    return (port - PORT_BASE) // PORTS_PER_WORKER


def test_each_worker_picks_in_its_own_band(monkeypatch):
    for worker, band in (('gw0', 0), ('gw1', 1), ('gw13', 1), ('x', 0)):
        monkeypatch.setenv('PYTEST_XDIST_WORKER', worker)
        port = free_port()
        assert PORT_BASE <= port < 32768 and _band(port) == band
        with socket.socket() as s:  # and it is free
            s.bind(('127.0.0.1', port))
    monkeypatch.delenv('PYTEST_XDIST_WORKER')
    assert _band(free_port()) == 0  # not under xdist


def test_picking_a_port_leaves_the_global_random_state_alone():
    state = random.getstate()
    free_port()
    assert random.getstate() == state


def test_a_full_band_falls_back_to_any_free_port(monkeypatch):
    monkeypatch.setenv('PYTEST_XDIST_WORKER', 'gw0')
    monkeypatch.setattr(toy_parts, 'PORTS_PER_WORKER', 1)
    monkeypatch.setattr(toy_parts._PORT_RNG, 'sample',
                        lambda pool, k: [PORT_BASE] * k)
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', PORT_BASE))
        taken.listen()
        port = free_port()
    assert port != PORT_BASE
    with socket.socket() as s:
        s.bind(('127.0.0.1', port))
