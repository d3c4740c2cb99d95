# Copyright (c) mmsocket contributors. All rights reserved.
"""Shipped text cites the papers and ``docs/``; every cited anchor exists.

Code comments, docstrings, configs and docs point readers to sections of
``docs/methods/*.md`` (``docs/methods/socket.md#l_d-bn-moment-matching``).
A renamed heading silently breaks such a link, and a citation of the
maintainers' private notes (not in the repository) cannot be followed at
all; both fail here. Every file git tracks is checked, tests included:
they ship in the source distribution too.
"""
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]

# Built from two parts so that this file does not match itself.
PRIVATE_NOTES = re.compile('METHODS' + r'(\.md|\s*§)')
# A repository path of a doc, optionally with an anchor:
# docs/<dir>/<name>.md#<anchor>.
DOC_PATH = re.compile(r'(?<![\w./-])(?:\.\./)*(docs/[\w./-]*?\w\.md)'
                      r'(?:#([\w-]+))?')
# A relative markdown link with an anchor: ](file.md#anchor) or ](#anchor).
MD_LINK = re.compile(r'\]\(((?:[\w.-]+/)*[\w.-]+\.md)?#([^)\s]+)\)')
HEADING = re.compile(r'^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$')
FENCE = re.compile(r'^ {0,3}(```|~~~)')
SKIP_DIRS = {'.git', '.venv', 'work_dirs', 'data', 'build', '__pycache__'}


def tracked_files() -> List[Path]:
    """Files git tracks; every file below the root outside a checkout."""
    try:
        out = subprocess.run(['git', 'ls-files', '-z'],
                             cwd=ROOT,
                             capture_output=True,
                             check=True).stdout
        names = [n for n in out.decode().split('\0') if n]
        if names:
            return [ROOT / n for n in names if (ROOT / n).is_file()]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        files += [Path(dirpath) / f for f in filenames]
    return files


def text_files() -> Iterator[Tuple[Path, str]]:
    for path in tracked_files():
        try:
            yield path, path.read_text(encoding='utf-8')
        except (UnicodeDecodeError, OSError):
            continue  # binary or unreadable: nothing to cite in it


def slugify(heading: str) -> str:
    """GitHub's anchor of a heading: link targets and markup dropped,
    lower case, punctuation removed except ``-`` and ``_``, spaces to ``-``.
    """
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', heading)
    text = re.sub(r'[^\w\- ]', '', text.lower())
    return text.replace(' ', '-')


def anchors(markdown: str) -> Set[str]:
    """Anchors of the headings outside fenced code, with GitHub's ``-1``,
    ``-2`` suffixes for repeated headings."""
    seen: Counter = Counter()
    out = set()
    in_fence = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else HEADING.match(line)
        if m:
            slug = slugify(m.group(2))
            out.add(slug if not seen[slug] else f'{slug}-{seen[slug]}')
            seen[slug] += 1
    return out


def citations() -> Iterator[Tuple[Path, int, Path, str]]:
    """``(citing file, line, cited doc, anchor or '')`` of every doc path
    and every relative markdown link with an anchor."""
    for path, text in text_files():
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in DOC_PATH.finditer(line):
                yield path, lineno, ROOT / m.group(1), m.group(2) or ''
            if path.suffix != '.md':
                continue
            for m in MD_LINK.finditer(line):
                target = (path.parent / m.group(1)).resolve() \
                    if m.group(1) else path
                yield path, lineno, target, m.group(2)


def test_no_private_notes_cited():
    hits = [
        f'{path.relative_to(ROOT)}:{n}: {line.strip()}'
        for path, text in text_files()
        for n, line in enumerate(text.splitlines(), 1)
        if PRIVATE_NOTES.search(line)
    ]
    assert not hits, (
        'these lines cite the private notes, which are not in the '
        'repository; cite the paper (equation, section, table) and/or the '
        'docs/methods/*.md section that states the fact instead:\n' +
        '\n'.join(hits))


def test_cited_docs_and_anchors_exist():
    cache: Dict[Path, Set[str]] = {}
    missing = []
    for path, lineno, doc, anchor in citations():
        where = f'{path.relative_to(ROOT)}:{lineno}'
        if not doc.is_file():
            missing.append(f'{where}: {doc} does not exist')
            continue
        if not anchor:
            continue
        if doc not in cache:
            cache[doc] = anchors(doc.read_text(encoding='utf-8'))
        if anchor not in cache[doc]:
            missing.append(f'{where}: {doc.relative_to(ROOT)} has no heading '
                           f'with anchor #{anchor}')
    assert not missing, (
        'broken documentation citations (rename the citation or restore '
        'the heading):\n' + '\n'.join(missing))


def test_methods_docs_are_cited_from_code():
    """The method docs are what the code's comments point to: each one is
    cited by at least one shipped file outside docs/."""
    cited = {
        doc
        for path, _, doc, _ in citations()
        if 'docs' not in path.relative_to(ROOT).parts[:1]
    }
    for doc in sorted((ROOT / 'docs' / 'methods').glob('*.md')):
        assert doc in cited, f'nothing outside docs/ cites {doc.name}'


def test_slugify_matches_github():
    assert slugify('L_d: BN-moment matching') == 'l_d-bn-moment-matching'
    assert slugify('D1 input: eq. 2, not Algorithm 1') == \
        'd1-input-eq-2-not-algorithm-1'
    assert slugify('Partial batches (drop_last)') == \
        'partial-batches-drop_last'
    assert slugify('See [the code](x.py) `here`') == 'see-the-code-here'
    assert anchors('# A\n```\n# not a heading\n```\n## A\n') == {'a', 'a-1'}
