# Copyright (c) mmsocket contributors. All rights reserved.
"""``--cfg-options``: one declaration (``mmsocket.apis.add_cfg_options``)
for every tool that has it, with the same syntax help."""
import argparse
import glob
import importlib.util
import inspect
import os.path as osp
import sys

import pytest

from mmsocket.apis import add_cfg_options

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# tools/train.py and test.py get it from mmsocket.apis.runner_args's parsers.
TOOLS = sorted(
    p for p in glob.glob(osp.join(REPO, 'tools/**/*.py'), recursive=True)
    if any(k in open(p).read() for k in ('--cfg-options', 'add_cfg_options')))


def test_values_are_parsed_as_mmengine_does():
    parser = argparse.ArgumentParser()
    add_cfg_options(parser, 'what it overrides')
    args = parser.parse_args(
        ['--cfg-options', 'data_root=data/x', 'a.b=1', 'c=[1,2]', 'd=3,4'])
    assert args.cfg_options == {
        'data_root': 'data/x',
        'a.b': 1,
        'c': [1, 2],
        'd': [3, 4]
    }
    assert parser.parse_args([]).cfg_options is None
    text = parser.format_help()
    assert 'what it overrides: key=value pairs' in ' '.join(text.split())


def test_every_tool_declares_it_once_with_the_syntax_help(monkeypatch, capsys):
    assert len(TOOLS) >= 9, TOOLS  # train/test, adapt, export, analysis...
    for path in TOOLS:
        source = open(path).read()
        assert "add_argument(\n        '--cfg-options'" not in source and \
            "add_argument('--cfg-options'" not in source, (
                f'{path}: declare --cfg-options with add_cfg_options')
        spec = importlib.util.spec_from_file_location('_tool', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # not __main__: nothing runs
        # Its parser (main parses first where there is no parse_args).
        parse = getattr(module, 'parse_args', None) or module.main
        monkeypatch.setattr(sys, 'argv', [path, '--help'])
        with pytest.raises(SystemExit) as done:
            parse(['--help']) if inspect.signature(parse).parameters \
                else parse()
        assert done.value.code == 0
        text = ' '.join(capsys.readouterr().out.split())
        assert '--cfg-options' in text, path
        assert 'key="[a,b]" or key=a,b' in text, path
