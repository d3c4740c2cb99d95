# Copyright (c) mmsocket contributors. All rights reserved.
"""Where a converter writes, and how a conversion lands all at once.

- the source tree is only ever read; the output may not lie inside it, nor
  contain it (:func:`check_output`);
- everything is written into a hidden staging folder next to the output
  (:func:`staging_dir`, which records its owner: host, pid, start, command)
  and moved into place in one ``rename`` at the end (:func:`replace_dir`),
  so a killed conversion leaves no half-written output that could be
  mistaken for a finished one;
- the next conversion to the same output removes what a killed one left
  (:func:`clean_leftovers`) and says so; a staging folder of a conversion
  that still runs is left alone and refused;
- an existing non-empty output is refused unless ``overwrite=True``, and
  even then only a previous converter output (it holds our ``meta.json``) is
  replaced.
"""
import json
import os
import os.path as osp
import shutil
import socket
import sys
import tempfile
import time
from typing import Callable, List, Sequence

OWNER_FILE = '.mmsocket_conversion.json'


def real(path: str) -> str:
    return osp.realpath(osp.abspath(path))


def inside(path: str, root: str) -> bool:
    path, root = real(path), real(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_output(src_roots: Sequence[str], out_dir: str,
                 overwrite: bool) -> None:
    """Refuse outputs that could touch a source or a foreign directory."""
    if isinstance(src_roots, str):
        src_roots = [src_roots]
    for src_root in src_roots:
        if not osp.isdir(src_root):
            raise FileNotFoundError(
                f'source directory {src_root} does not exist')
        if inside(out_dir, src_root):
            raise ValueError(
                f'output {out_dir} lies inside the source tree {src_root}; '
                'the converter never writes into the source data. Choose '
                'another output directory.')
        if inside(src_root, out_dir):
            raise ValueError(f'output {out_dir} contains the source tree '
                             f'{src_root}; choose another output directory.')
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise FileExistsError(f'{out_dir} exists and is not a directory')
    if osp.isdir(out_dir) and os.listdir(out_dir):
        if not overwrite:
            raise FileExistsError(
                f'{out_dir} is not empty; pass --overwrite (overwrite=True) '
                'to replace a previous conversion (nothing was written)')
        meta = osp.join(out_dir, 'meta.json')
        try:
            with open(meta, encoding='utf-8') as f:
                ours = 'converter' in json.load(f)
        except (OSError, ValueError):
            ours = False
        if not ours:
            raise FileExistsError(
                f'{out_dir} is not empty and is not the output of an '
                'mmsocket converter (no meta.json with a "converter" '
                'entry); refusing to replace it even with --overwrite')


def _prefix(out_dir: str, kind: str) -> str:
    return f'.{osp.basename(real(out_dir))}.{kind}-'


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _owner(stage: str) -> dict:
    try:
        with open(osp.join(stage, OWNER_FILE), encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def staging_dir(out_dir: str) -> str:
    """A new hidden staging folder next to ``out_dir``, owned by us."""
    parent = osp.dirname(real(out_dir))
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix=_prefix(out_dir, 'converting'), dir=parent)
    with open(osp.join(stage, OWNER_FILE), 'w', encoding='utf-8') as f:
        json.dump(
            dict(
                pid=os.getpid(),
                host=socket.gethostname(),
                started=time.strftime('%Y-%m-%d %H:%M:%S'),
                command=' '.join(sys.argv)), f)
    return stage


def clean_leftovers(out_dir: str,
                    log: Callable[[str], None] = print) -> List[str]:
    """Remove what a killed conversion to ``out_dir`` left next to it.

    A staging folder whose owner process is gone is removed; a replaced
    previous output (``.old-``) is removed when the new output is in place,
    and moved back when the kill came between the two renames (nothing is
    lost). Each action is logged.

    Returns:
        list[str]: What was removed or restored.

    Raises:
        FileExistsError: A conversion to ``out_dir`` is running now.
    """
    parent = osp.dirname(real(out_dir))
    if not osp.isdir(parent):
        return []
    done = []
    for name in sorted(os.listdir(parent)):
        path = osp.join(parent, name)
        if name.startswith(_prefix(out_dir, 'converting')):
            owner = _owner(path)
            here = owner.get('host', socket.gethostname()) == \
                socket.gethostname()
            if owner.get('pid') and here and _pid_alive(owner['pid']) \
                    and owner['pid'] != os.getpid():
                raise FileExistsError(
                    f'another conversion to {out_dir} is running (pid '
                    f'{owner["pid"]}, started {owner.get("started")}: '
                    f'{owner.get("command")}); wait for it to finish or '
                    'stop it')
            if not here:
                log(f'left {path} alone: a conversion on host '
                    f'{owner.get("host")} wrote it')
                continue
            shutil.rmtree(path, ignore_errors=True)
            log(f'removed {path}, the staging folder of a conversion that '
                f'did not finish (pid {owner.get("pid", "?")}, started '
                f'{owner.get("started", "?")})')
            done.append(path)
        elif name.startswith(_prefix(out_dir, 'old')):
            if osp.exists(out_dir):
                shutil.rmtree(path, ignore_errors=True)
                log(f'removed {path}, a previous output of {out_dir} that a '
                    'killed conversion had replaced')
            else:
                os.replace(path, out_dir)
                log(f'restored {out_dir} from {path}: a conversion was '
                    'killed while replacing it')
            done.append(path)
    return done


def replace_dir(stage: str, out_dir: str) -> None:
    """Move ``stage`` to ``out_dir`` (replacing an old output, which
    :func:`check_output` has vetted)."""
    owner = osp.join(stage, OWNER_FILE)
    if osp.isfile(owner):
        os.remove(owner)
    if osp.isdir(out_dir) and not os.listdir(out_dir):
        os.rmdir(out_dir)
    if osp.isdir(out_dir):
        old = tempfile.mkdtemp(
            prefix=_prefix(out_dir, 'old'), dir=osp.dirname(real(out_dir)))
        os.rmdir(old)
        os.replace(out_dir, old)
        os.replace(stage, out_dir)
        shutil.rmtree(old)
    else:
        os.replace(stage, out_dir)


def dump_json(path: str, obj) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')
