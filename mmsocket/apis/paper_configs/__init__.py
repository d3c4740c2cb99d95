# Copyright (c) mmsocket contributors. All rights reserved.
"""The generated configs of the papers' settings, from one table.

Every setting is a real, runnable file that a user can open, read and edit;
this package keeps the ~450 of them consistent. Edit :mod:`.settings` (data
sets, class counts, paper numbers, table specs), :mod:`.families` (which
leaves exist) or :mod:`.leaves` (their text), then re-run
``python tools/misc/generate_configs.py`` (``--check``: fail if stale).

Naming (find a table cell's config without reading code):

* ``configs/source/<dataset>/<domain>_<modality>.py`` (one-domain data sets:
  ``<modality>.py``): a source model, exported to
  ``work_dirs/source/<dataset>/<name>/source.pth``;
* ``configs/<method>/<dataset>/<src>[+<src2>]_to_<tgt>.py``: RGB of the
  source domain(s) -> depth of the target domain (SOCKET Tables 3, 4; TGMB
  Table 2), for unadapted, shot, decision, socket, tgmb and tgkt;
* ``configs/<method>/<dataset>/<src>_to_<tgt>_rgb.py``: RGB -> RGB of
  another domain (SOCKET Table 7, cross-domain);
* ``configs/<method>/diml/rgb_to_depth[_ti_sunrgbd].py`` (SOCKET Table 5)
  and ``configs/<method>/rgb_nir/{rgb_to_nir,nir_to_rgb}.py`` (Table 6;
  both also TGMB Table 3);
* ``configs/{tgmb,tgkt}/<dataset>/ablation/<task>_<variant>.py``: loss terms
  off (TGMB Tables 4, 5);
* ``configs/tables/socket_table<k>_<dataset>.py``: which configs fill which
  cell of a SOCKET table, with the paper's numbers
  (``tools/analysis/run_table.py`` runs them).
"""
import os
import os.path as osp
from typing import List

from .families import build_configs
from .settings import DATASETS, DOMAINS, HEADER, METHODS, TABLES

__all__ = [
    'build_configs', 'format_config', 'write_configs', 'DATASETS', 'DOMAINS',
    'HEADER', 'METHODS', 'TABLES'
]


def format_config(text: str, root: str) -> str:
    """Lay out generated Python in the repository's yapf style (setup.cfg),
    so that the lint step and the up-to-date check agree."""
    from yapf.yapflib.yapf_api import FormatCode
    return FormatCode(text, style_config=osp.join(root, 'setup.cfg'))[0]


def orphans(root: str, generated) -> List[str]:
    """Files under ``configs/`` that say they are generated but no longer
    are (a setting removed from the table)."""
    out = []
    for folder, _, names in os.walk(osp.join(root, 'configs')):
        for name in names:
            path = osp.join(folder, name)
            rel = osp.relpath(path, root)
            if name.endswith('.py') and rel not in generated:
                with open(path) as f:
                    if HEADER in f.read():
                        out.append(rel)
    return sorted(out)


def write_configs(root: str, check: bool = False) -> dict:
    """(Re)write every generated file under ``root``; with ``check``, only
    compare. Returns ``dict(total=..., stale=[...], orphans=[...])``:
    ``stale`` are the files that differ or are missing (written unless
    ``check``), ``orphans`` the generated files no setting writes any more
    (never deleted here)."""
    for need in ('setup.cfg', 'configs/_base_/methods'):
        if not osp.exists(osp.join(root, need)):
            raise FileNotFoundError(
                f'{root} is no mmsocket checkout (it has no {need}, which '
                'the generated configs need): run from a clone of the '
                'repository or pass --root <checkout>')
    files = build_configs(root)
    stale = []
    for rel, text in sorted(files.items()):
        text = format_config(text, root)
        path = osp.join(root, rel)
        if osp.exists(path):
            with open(path) as f:
                if f.read() == text:
                    continue
        stale.append(rel)
        if not check:
            os.makedirs(osp.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
    return dict(total=len(files), stale=stale, orphans=orphans(root, files))
