"""Static check of numpydoc ``Parameters`` / ``Returns`` sections on public functions.

Used by ``tests/test_docstrings_*.py``. The check reads source with :mod:`ast` (nothing is
imported), so it is fast and cannot be fooled by runtime wrappers.

Rules (numpydoc, as OSMnx and spopt document their APIs):

* every public module-level function and every public method of a public class has a
  docstring ("public" = name without a leading underscore; dunder methods are skipped);
* when it takes parameters (``self``/``cls`` excluded) the docstring has a ``Parameters``
  section with an underlined header that names every parameter (``*args``/``**kwargs`` by
  their bare names);
* when it returns a value (a return annotation other than ``None``, or a ``return <value>``
  statement of its own) the docstring has a ``Returns`` (or ``Yields``) section;
* properties and ``typing.overload`` stubs are exempt from the section rules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SECTION = re.compile(r"^\s*(Parameters|Returns|Yields|Raises|Notes|Examples|See Also|Attributes)\s*\n\s*-{3,}\s*$",
                      re.MULTILINE)


def _sections(doc: str) -> dict[str, str]:
    """Section name -> body text of a numpydoc docstring."""
    out: dict[str, str] = {}
    marks = list(_SECTION.finditer(doc))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(doc)
        out[m.group(1)] = doc[m.end():end]
    return out


def _documented_names(body: str) -> set[str]:
    """Parameter names listed in a Parameters section (``a, b : int`` lists both)."""
    names: set[str] = set()
    for line in body.splitlines():
        m = re.match(r"^\s*(\*{0,2}[A-Za-z_][\w]*(?:\s*,\s*\*{0,2}[A-Za-z_][\w]*)*)\s*(:|$)", line)
        if m:
            for n in m.group(1).split(","):
                names.add(n.strip().lstrip("*"))
    return names


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool) -> list[str]:
    a = fn.args
    names = [x.arg for x in (a.posonlyargs + a.args + a.kwonlyargs)]
    if a.vararg:
        names.append(a.vararg.arg)
    if a.kwarg:
        names.append(a.kwarg.arg)
    if is_method and names and names[0] in ("self", "cls") and not _is_static(fn):
        names = names[1:]
    return names


def _decorators(fn) -> set[str]:
    out = set()
    for d in fn.decorator_list:
        node = d.func if isinstance(d, ast.Call) else d
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
    return out


def _is_static(fn) -> bool:
    return "staticmethod" in _decorators(fn)


def _returns_value(fn) -> bool:
    ann = fn.returns
    if ann is not None:
        text = ast.unparse(ann)
        return text not in ("None", "NoReturn", "Never", "typing.NoReturn")

    class V(ast.NodeVisitor):
        found = False

        def visit_FunctionDef(self, node):  # nested functions do not count
            if node is fn:
                self.generic_visit(node)

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Lambda(self, node):
            return

        def visit_Return(self, node):
            if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
                self.found = True

        def visit_Yield(self, node):
            self.found = True

    v = V()
    v.visit(fn)
    return v.found


def _check_function(fn, rel: str, qual: str, is_method: bool) -> list[str]:
    decos = _decorators(fn)
    if "overload" in decos:
        return []
    doc = ast.get_docstring(fn)
    where = f"{rel}:{fn.lineno} {qual}"
    if not doc:
        return [f"{where}: no docstring"]
    if {"property", "setter", "cached_property"} & decos:
        return []
    problems = []
    secs = _sections(doc)
    params = _params(fn, is_method)
    if params:
        if "Parameters" not in secs:
            problems.append(f"{where}: no 'Parameters' section (parameters: {', '.join(params)})")
        else:
            missing = [p for p in params if p not in _documented_names(secs["Parameters"])]
            if missing:
                problems.append(f"{where}: 'Parameters' does not list {', '.join(missing)}")
    if _returns_value(fn) and not ({"Returns", "Yields"} & secs.keys()):
        problems.append(f"{where}: returns a value but has no 'Returns' section")
    return problems


def check_package(package: str, root: Path = ROOT, recursive: bool = True) -> list[str]:
    """Every violation of the rules above in the package directory ``package`` (e.g. ``"geo"``,
    ``"analysis/report"``).

    Parameters
    ----------
    package : str
        Directory name of a top-level package of the project.
    root : Path
        Folder that holds the package (the project root by default).
    recursive : bool
        Also check sub-packages; ``False`` checks only the package's own ``*.py`` files.

    Returns
    -------
    list of str
        One line per violation, ``path:line name: what is missing``; empty when all is well.
    """
    problems: list[str] = []
    for path in sorted((root / package).rglob("*.py") if recursive else (root / package).glob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                problems += _check_function(node, rel, node.name, is_method=False)
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                        problems += _check_function(item, rel, f"{node.name}.{item.name}", is_method=True)
    return problems
