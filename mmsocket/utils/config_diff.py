# Copyright (c) mmsocket contributors. All rights reserved.
"""What changed between the config a checkpoint was saved with and now.

A checkpoint's ``meta.cfg`` is the config text of its run. Reading it with
``Config.fromstring`` would *execute* it (any Python in a stranger's
checkpoint would run), so :func:`literal_config` only evaluates literals
and ``dict(...)`` calls, which is what ``Config.pretty_text`` writes, and
keeps anything else as its source text.
"""
import ast
from typing import Any, Dict, Iterable, List, Tuple

__all__ = ['literal_config', 'flatten_config', 'config_changes']


def _value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_value(e) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict):
        return {_value(k): _value(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id == 'dict' and not node.args:
        return {kw.arg: _value(kw.value) for kw in node.keywords}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _value(node.operand)
        if isinstance(inner, (int, float)):
            return -inner
    return f'<{ast.unparse(node)}>'


def literal_config(text: str) -> Dict[str, Any]:
    """The top-level ``name = value`` assignments of a config text, without
    running it (non-literal values are kept as ``'<source>'`` strings)."""
    out: Dict[str, Any] = {}
    for stmt in ast.parse(text).body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Name):
            out[stmt.targets[0].id] = _value(stmt.value)
    return out


def flatten_config(cfg: Any, prefix: str = '') -> Dict[str, Any]:
    """``{'a.b.0.c': value}`` for nested dicts and lists."""
    if isinstance(cfg, dict):
        items = cfg.items()
    elif isinstance(cfg, (list, tuple)) and any(
            isinstance(v, (dict, list, tuple)) for v in cfg):
        items = enumerate(cfg)
    else:
        return {prefix: list(cfg) if isinstance(cfg, tuple) else cfg}
    out: Dict[str, Any] = {}
    for key, value in items:
        out.update(flatten_config(value, f'{prefix}{key}.'))
    if not out:
        out[prefix] = {} if isinstance(cfg, dict) else []
    return out


def config_changes(
    old_text: str, new_text: str,
    ignore: Iterable[str] = ()) -> List[Tuple[str, Any, Any]]:
    """``(key, old, new)`` for every leaf that differs between two config
    texts, except under the top-level keys ``ignore``."""
    ignore = tuple(ignore)
    old = flatten_config(literal_config(old_text))
    new = flatten_config(literal_config(new_text))
    changes = []
    for key in sorted(set(old) | set(new)):
        name = key.rstrip('.')
        if name.split('.')[0] in ignore:
            continue
        a, b = old.get(key, '<unset>'), new.get(key, '<unset>')
        if a != b:
            changes.append((name, a, b))
    return changes
