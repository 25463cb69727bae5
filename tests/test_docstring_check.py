"""The numpydoc checker used by the docstring tests finds what is missing (and only that)."""

from __future__ import annotations

import textwrap

from tests.docstring_check import check_package


def _write(tmp_path, src: str) -> list[str]:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text(textwrap.dedent(src), encoding="utf-8")
    return check_package("pkg", root=tmp_path)


def test_complete_numpydoc_passes(tmp_path):
    src = '''
    def walk(distance_m: float, *, speed_kmh: float = 4.5) -> float:
        """Minutes to walk a distance.

        Parameters
        ----------
        distance_m : float
            Network distance in metres.
        speed_kmh : float
            Walking speed in km/h.

        Returns
        -------
        float
            Minutes.
        """
        return distance_m / (speed_kmh * 1000 / 60)

    def _private(x):
        return x

    class Thing:
        """A thing."""

        def __init__(self, a):
            self.a = a

        @property
        def size(self) -> int:
            """Size in metres."""
            return 1
    '''
    assert _write(tmp_path, src) == []


def test_missing_sections_and_names_are_reported(tmp_path):
    src = '''
    def no_doc(a):
        return a

    def prose_only(a, b) -> int:
        """Adds two numbers."""
        return a + b

    def half(a, b, **kwargs):
        """Half documented.

        Parameters
        ----------
        a : int
            First.

        Returns
        -------
        int
        """
        return a

    class Tool:
        """A tool."""

        def run(self, minutes):
            """Run it; returns nothing but forgets its parameter."""
            print(minutes)
    '''
    problems = _write(tmp_path, src)
    text = "\n".join(problems)
    assert "no_doc: no docstring" in text
    assert "prose_only: no 'Parameters' section (parameters: a, b)" in text
    assert "prose_only: returns a value but has no 'Returns' section" in text
    assert "half: 'Parameters' does not list b, kwargs" in text
    assert "Tool.run: no 'Parameters' section (parameters: minutes)" in text
    assert len(problems) == 5
