"""Errors take their text from the message catalogue (:mod:`geo.messages`), never from a bilingual
literal written at the ``raise``: the rule of issue 13 item 4, checked over analysis, geo, cli and ui."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _text_parts(node: ast.AST):
    """String constants of an expression, not looking inside calls (a catalogue lookup such as
    ``both("error.key", name=...)`` is the allowed way to build the text)."""
    if isinstance(node, ast.Call):
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    for child in ast.iter_child_nodes(node):
        yield from _text_parts(child)


def inline_chinese_raises(root: Path) -> list[str]:
    """``path:line`` of every ``raise X(...)`` whose arguments hold Chinese text written inline
    (a literal, an f-string or a concatenation), under analysis/, geo/ (not geo/messages), cli/, ui/.

    Parameters
    ----------
    root : Path
        The repository folder.

    Returns
    -------
    list of str
        The offending raises, empty when every error message comes from the catalogue.
    """
    found = []
    for folder in ("analysis", "geo", "cli", "ui"):
        for f in sorted((root / folder).rglob("*.py")):
            rel = f.relative_to(root)
            if rel.parts[:2] == ("geo", "messages"):
                continue
            tree = ast.parse(f.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                args = list(node.exc.args) + [k.value for k in node.exc.keywords]
                if any(CJK.search(s) for a in args for s in _text_parts(a)):
                    found.append(f"{rel}:{node.lineno}")
    return found


def test_no_error_is_written_inline_in_chinese():
    found = inline_chinese_raises(ROOT)
    assert not found, f"{len(found)} raise(s) with inline Chinese text; move them into geo/messages: {found}"


def test_the_scan_sees_literals_f_strings_and_concatenations(tmp_path):
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "bad.py").write_text(
        "def f(x):\n"
        "    if x == 1:\n"
        "        raise ValueError('坏。 Bad.')\n"
        "    if x == 2:\n"
        "        raise ValueError(f'坏 {x}。 Bad {x}.')\n"
        "    if x == 3:\n"
        "        raise ValueError('缺少：' + str(x) + '。 Missing.')\n"
        "    raise ValueError(both('error.k', x=x))\n", encoding="utf-8")
    (tmp_path / "geo" / "messages").mkdir()
    (tmp_path / "geo" / "messages" / "error.py").write_text("raise ValueError('目录本身可以。')\n", encoding="utf-8")
    assert inline_chinese_raises(tmp_path) == ["geo/bad.py:3", "geo/bad.py:5", "geo/bad.py:7"]
