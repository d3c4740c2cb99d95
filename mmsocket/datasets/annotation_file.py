# Copyright (c) mmsocket contributors. All rights reserved.
"""The one reader of annotation files, with errors that name the file.

Every dataset class reads its JSON annotations through
:func:`read_annotation_file`, so a missing, malformed or foreign file gives
the same kind of message everywhere: the path, the line and column of a
JSON error, and what to run. JSON only: a pickled annotation file would
run code when read, and the converters write JSON.
"""
import json
import os.path as osp
import re
from typing import Optional, Sequence

from mmengine.fileio import exists, get_text

#: The command that turns the official SOCKET code's folders and
#: ``path label`` lists into our format.
SOCKET_IMPORTER = 'python tools/dataset_converters/socket_layout.py'
#: What to run for a data set that is not converted yet (the generic
#: converter; docs/dataset_prepare.md lists the data-set-specific ones).
CONVERT_HINT = ('convert your data first (docs/dataset_prepare.md), e.g. '
                'python tools/dataset_converters/paired_folders.py SRC '
                '--out DATA_ROOT')

# "some/path.png 3" (SOCKET/SHOT lists): a path, whitespace, an integer.
_PATH_LABEL = re.compile(r'^\s*\S+\s+-?\d+\s*$')


def read_json_file(path: str,
                   what: str = 'annotation file',
                   hint: Optional[str] = None):
    """Parse a JSON file; every error names ``path``.

    Args:
        path (str): The file (any mmengine file backend).
        what (str): What the file is, for messages.
        hint (str, optional): What to do when it is missing. Defaults to
            :data:`CONVERT_HINT`.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: The file is not JSON (a SOCKET ``path label`` list, a
            pickle...), or malformed: the message gives line and column.
    """
    if not exists(path):
        raise FileNotFoundError(f'{what} {path} does not exist: '
                                f'{hint or CONVERT_HINT}')
    ext = osp.splitext(path)[1].lower()
    if ext != '.json':
        try:
            text = get_text(path)
        except UnicodeDecodeError:
            text = ''
        lines = [ln for ln in text.splitlines()[:5] if ln.strip()]
        if lines and all(_PATH_LABEL.match(ln) for ln in lines):
            raise ValueError(
                f'{path} is a "path label" list of the official SOCKET/SHOT '
                'code, not an annotation file of docs/data_format.md (it '
                'names no classes and does not pair the modalities). '
                'Import the folders it lists once: '
                f'{SOCKET_IMPORTER} <the folder holding the *_image, '
                '*_depth and TI_* folders> --out data/<name>, then use the '
                'annotations/*.json it writes (docs/dataset_prepare.md)')
        raise ValueError(f'{what} {path} is not a .json file; mmsocket '
                         'reads JSON annotation files only '
                         '(docs/data_format.md)')
    text = get_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(
            f'{what} {path} is malformed JSON: {e.msg} at line {e.lineno}, '
            f'column {e.colno}. Fix the file or write it again (the '
            'converter that made it, or your own script).') from None


def read_annotation_file(path: str,
                         what: str = 'annotation file',
                         hint: Optional[str] = None,
                         keys: Sequence[str] = ('metainfo', 'data_list'),
                         doc: str = 'docs/data_format.md'):
    """Read an annotation file ``{"metainfo": ..., "data_list": [...]}``.

    Args:
        path, what, hint: See :func:`read_json_file`.
        keys (Sequence[str]): Top-level keys the file must have.
        doc (str): The document describing the format, for messages.

    Returns:
        dict: The parsed file.
    """
    annotations = read_json_file(path, what, hint)
    if not isinstance(annotations, dict) or not set(keys) <= set(annotations):
        raise ValueError(f'{path} is not an annotation file of {doc} (a '
                         f'JSON object with {" and ".join(map(repr, keys))})')
    if not isinstance(annotations.get('data_list', []), list):
        raise ValueError(f'{path}: "data_list" must be a list of records')
    return annotations
