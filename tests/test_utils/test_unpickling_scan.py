# Copyright (c) mmsocket contributors. All rights reserved.
"""No code of the project unpickles except through the one safe loader.

The scan parses every Python file of ``mmsocket/``, ``tools/``,
``configs/`` and ``setup.py`` (the AST, not text: names are resolved
through the file's imports, so ``from torch import load as L; L(f)`` is
found) and fails on

- a call of anything that unpickles (``torch.load``, ``torch.jit.load``,
  ``torch.hub.load(_state_dict_from_url)``, ``pickle.load(s)``,
  ``pickle.Unpickler``, ``mmengine.load``/``mmengine.fileio.load``
  (pickle by extension), mmengine's own ``load_from_local``/``load_url``,
  ``numpy.load`` unless ``allow_pickle`` is absent or literally False,
  ``joblib``/``dill``/``shelve``/``marshal``/``pandas.read_pickle``),
  outside the few sites listed in ``ALLOWED``;
- ``weights_only=False`` anywhere;
- ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` anywhere;
- ``add_safe_globals``/``safe_globals`` outside ``mmsocket/utils/
  checkpoint.py`` (the allow-list is widened in one place).

Tests are not scanned: they unpickle payloads on purpose, to prove them live.
"""
import ast
import os
import os.path as osp

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROOTS = ('mmsocket', 'tools', 'configs', 'setup.py')

UNPICKLING = {
    'torch.load', 'torch.serialization.load', 'torch.jit.load',
    'torch.hub.load', 'torch.hub.load_state_dict_from_url',
    'torch.utils.model_zoo.load_url', 'torch.package.PackageImporter',
    'pickle.load', 'pickle.loads', 'pickle.Unpickler', '_pickle.load',
    '_pickle.loads', '_pickle.Unpickler', 'dill.load', 'dill.loads',
    'joblib.load', 'shelve.open', 'marshal.load', 'marshal.loads',
    'pandas.read_pickle', 'mmengine.load', 'mmengine.fileio.load',
    'mmengine.fileio.io.load', 'mmengine.runner.checkpoint.load_from_local',
    'mmengine.runner.checkpoint.load_url', 'mmengine.utils.dl_utils.load_url',
    'mmengine.fileio.handlers.PickleHandler'
}

# (file, function, call): the safe loader and what it is built from.
ALLOWED = {
    # torch.load(..., weights_only=True) after the allow-list is set.
    ('mmsocket/utils/checkpoint.py', 'safe_torch_load', 'torch.load'),
    # mmengine.fileio.load with the pickle formats refused first.
    ('mmsocket/utils/checkpoint.py', 'load_data_file', 'mmengine.fileio.load'),
    # torch.hub's cache/download, weights_only=True.
    ('mmsocket/utils/checkpoint_loaders.py', 'load_url',
     'torch.hub.load_state_dict_from_url'),
    # Reads back the TorchScript file the export just wrote, to check it.
    ('mmsocket/apis/export/ensemble.py', 'check_torchscript', 'torch.jit.load'
     ),
}


class _Scanner(ast.NodeVisitor):

    def __init__(self, path: str) -> None:
        self.path = path
        self.aliases = {}
        self.functions = []
        self.found = []

    # imports -> the dotted names local names stand for
    def visit_Import(self, node):
        for a in node.names:
            self.aliases[a.asname or a.name.split('.')[0]] = \
                a.name if a.asname else a.name.split('.')[0]

    def visit_ImportFrom(self, node):
        if node.module and not node.level:
            for a in node.names:
                self.aliases[a.asname or a.name] = f'{node.module}.{a.name}'

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _dotted(self, node):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.aliases.get(node.id, node.id))
        return '.'.join(reversed(parts))

    def _flag(self, node, what):
        where = self.functions[-1] if self.functions else '<module>'
        self.found.append((self.path, where, what, node.lineno))

    def visit_Call(self, node):
        name = self._dotted(node.func)
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        if name in UNPICKLING:
            self._flag(node, name)
        elif name in ('numpy.load', 'np.load'):
            allow = kwargs.get('allow_pickle')
            if allow is not None and not (isinstance(allow, ast.Constant)
                                          and allow.value is False):
                self._flag(node, 'numpy.load(allow_pickle=...)')
        elif name and name.split('.')[-1] in ('add_safe_globals',
                                              'safe_globals'):
            self._flag(node, 'widens the weights-only allow-list')
        wo = kwargs.get('weights_only')
        if wo is not None and not (isinstance(wo, ast.Constant)
                                   and wo.value is True):
            self._flag(node, 'weights_only is not True')
        self.generic_visit(node)

    def visit_Constant(self, node):
        # The name as a value (an environment key), not prose about it.
        if isinstance(node.value, str) and \
                node.value.strip() == 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD':
            self._flag(node, 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD')


def scan_source(source: str, path: str = '<snippet>'):
    """``[(path, function, what, line)]`` of every unpickling path."""
    scanner = _Scanner(path)
    scanner.visit(ast.parse(source, filename=path))
    allowed_widening = path == 'mmsocket/utils/checkpoint.py'
    return [
        f for f in scanner.found if (f[0], f[1], f[2]) not in ALLOWED and not (
            allowed_widening and f[2] == 'widens the weights-only allow-list')
    ]


def _python_files():
    for root in ROOTS:
        full = osp.join(REPO, root)
        if osp.isfile(full):
            yield root
            continue
        for dirpath, _, files in os.walk(full):
            for name in sorted(files):
                if name.endswith('.py'):
                    yield osp.relpath(osp.join(dirpath, name), REPO)


def test_no_unpickling_outside_the_safe_loader():
    found = []
    files = list(_python_files())
    assert len(files) > 100  # the scan sees the tree
    for rel in files:
        with open(osp.join(REPO, rel)) as f:
            found += scan_source(f.read(), rel)
    assert not found, '\n'.join(f'{p}:{line} in {fn}: {what}'
                                for p, fn, what, line in found)


def test_the_allowed_sites_exist_and_are_weights_only():
    """An allowed site that moved or lost ``weights_only=True`` must not
    keep its exemption silently."""
    for path, function, call in ALLOWED:
        if not osp.isfile(osp.join(REPO, path)):
            pytest.fail(f'{path} is gone: update ALLOWED')
        with open(osp.join(REPO, path)) as f:
            scanner = _Scanner(path)
            scanner.visit(ast.parse(f.read()))
        hits = [f for f in scanner.found if f[1:3] == (function, call)]
        assert hits, f'{path}:{function} no longer calls {call}'
        bad = [
            f for f in scanner.found
            if f[1] == function and f[2] == 'weights_only is not True'
        ]
        assert not bad, bad


@pytest.mark.parametrize('snippet, what', [
    ('import torch\ntorch.load(f)', 'torch.load'),
    ('from torch import load as L\nL(f)', 'torch.load'),
    ('import torch as t\nt.jit.load(f)', 'torch.jit.load'),
    ('import pickle\npickle.loads(b)', 'pickle.loads'),
    ('import pickle as p\np.Unpickler(f).load()', 'pickle.Unpickler'),
    ('from mmengine.fileio import load\nload(path)', 'mmengine.fileio.load'),
    ('import mmengine\nmmengine.load("a.pkl")', 'mmengine.load'),
    ('import numpy as np\nnp.load(f, allow_pickle=True)',
     'numpy.load(allow_pickle=...)'),
    ('import numpy as np\nnp.load(f, allow_pickle=flag)',
     'numpy.load(allow_pickle=...)'),
    ('from mmsocket.utils import safe_torch_load\n'
     'safe_torch_load(f, weights_only=False)', 'weights_only is not True'),
    ('import os\nos.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"',
     'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'),
    ('import torch\ntorch.serialization.add_safe_globals([getattr])',
     'widens the weights-only allow-list'),
    ('from mmengine.runner.checkpoint import load_from_local\n'
     'load_from_local(f, None)', 'mmengine.runner.checkpoint.load_from_local'),
])
def test_the_scan_finds_each_unpickling_path(snippet, what):
    found = scan_source(snippet)
    assert [f[2] for f in found] == [what]


def test_the_scan_accepts_safe_calls():
    assert scan_source('import numpy as np\nnp.load(f)\n'
                       'np.load(f, allow_pickle=False)\n'
                       'from mmsocket.utils import safe_torch_load\n'
                       'safe_torch_load(f)\n'
                       'import json\njson.load(f)') == []
