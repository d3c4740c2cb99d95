# Copyright (c) mmsocket contributors. All rights reserved.
"""Run a config on 2 gloo CPU ranks through tools/dist_train.sh."""
import os
import os.path as osp
import socket
import subprocess
import sys

from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def dist_train(cfg: Config, config_path: str, nproc: int = 2) -> str:
    """Dump ``cfg`` to ``config_path``, train it on ``nproc`` CPU ranks and
    return the log; fails the test with the log's tail on a non-zero exit.
    """
    cfg.log_level = 'INFO'
    cfg.dump(config_path)
    env = dict(
        os.environ,
        PORT=str(free_port()),
        OMP_NUM_THREADS='1',
        PYTHON=sys.executable)
    proc = subprocess.run([
        'bash',
        osp.join(ROOT, 'tools', 'dist_train.sh'), config_path,
        str(nproc)
    ],
                          cwd=ROOT,
                          env=env,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=300)
    with open(f'{config_path}.log', 'w') as f:
        f.write(proc.stdout)
    assert proc.returncode == 0, (f'full log: {config_path}.log\n' +
                                  proc.stdout[-4000:])
    return proc.stdout
