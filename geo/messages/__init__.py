"""The one message catalogue: every user-facing string of the app, CLI, reports and errors in
Chinese (the default) and English.

Keys are namespaced by domain: ``common.`` (one wording shared by several places), ``ui.`` (app
pages), ``scenario.`` (the scenarios panel), ``report.`` and ``party.`` (reports), ``siting.``
(siting notes), ``reader.`` (reading planners' files), ``cli.`` (the command line's
summaries), ``error.`` (user errors of analysis and geo). :func:`text` is the one lookup (:func:`pair` and :func:`both` give both languages); a missing
key raises :class:`KeyError`, so a typo fails in the tests instead of printing a key.
:class:`Message` carries a key and its values for strings built before the language is known
(e.g. the notes of a siting result), rendered later in the reader's language.

This package imports nothing from the project, so geo, analysis, cli and ui can all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from geo.messages import cli, common, error, party, reader, report, scenario, siting, ui

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _build() -> Mapping[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for mod in (common, ui, scenario, report, party, siting, reader, cli, error):
        ns = mod.__name__.rsplit(".", 1)[1]
        for key, pair in mod.STRINGS.items():
            out[f"{ns}.{key}"] = pair
    return MappingProxyType(out)


CATALOGUE: Mapping[str, tuple[str, str]] = _build()


def text(key: str, lang: str = DEFAULT_LANG, /, **fmt: Any) -> str:
    """The catalogue string ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Parameters
    ----------
    key : str
        Full catalogue key, e.g. ``"ui.app_title"`` or ``"report.sec_gaps"``.
    lang : str
        ``"en"`` for English; any other value gives Chinese (the default language).
    **fmt
        Values for the string's ``{placeholders}`` (``str.format`` syntax); a :class:`Message` or
        :class:`ByLang` value is rendered in ``lang`` first. Without values the string is returned
        as stored (braces untouched).

    Returns
    -------
    str
        The string in the chosen language.

    Raises
    ------
    KeyError
        ``key`` is not in the catalogue, or a placeholder has no value in ``fmt``.
    """
    zh, en = CATALOGUE[key]
    s = en if lang == "en" else zh
    if not fmt:
        return s
    return s.format(**{k: v.text(lang) if isinstance(v, (Message, ByLang)) else v for k, v in fmt.items()})


def pair(key: str, /, **fmt: Any) -> tuple[str, str]:
    """The Chinese and the English string of ``key``, for errors and reports that carry both.

    Parameters
    ----------
    key : str
        Full catalogue key.
    **fmt
        Values for the string's ``{placeholders}``.

    Returns
    -------
    tuple of str
        ``(zh, en)``, both formatted.
    """
    return text(key, "zh", **fmt), text(key, "en", **fmt)


def both(key: str, /, **fmt: Any) -> str:
    """The Chinese and the English string of ``key`` on one line (zh, a space, en): for progress
    lines and errors whose one text serves readers of either language.

    Parameters
    ----------
    key : str
        Full catalogue key.
    **fmt
        Values for the string's ``{placeholders}``.

    Returns
    -------
    str
        ``"<zh> <en>"``, both formatted.
    """
    zh, en = pair(key, **fmt)
    return f"{zh} {en}"


@dataclass(frozen=True)
class ByLang:
    """A placeholder value that differs by language (a name, a list joined with 、 or ", ").

    Attributes
    ----------
    zh : Any
        The value in Chinese text.
    en : Any
        The value in English text.
    """

    zh: Any
    en: Any

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The value for ``lang``.

        Parameters
        ----------
        lang : str
            ``"en"`` for English, otherwise Chinese.

        Returns
        -------
        str
            The value as text.
        """
        return str(self.en if lang == "en" else self.zh)


def listing(items: Iterable[Any]) -> ByLang:
    """A list as one placeholder value: joined with 、 in Chinese and ", " in English.

    Parameters
    ----------
    items : iterable
        The items (turned into text with ``str``).

    Returns
    -------
    ByLang
        The joined list in each language.
    """
    items = [str(i) for i in items]
    return ByLang("、".join(items), ", ".join(items))


@dataclass(frozen=True)
class Message:
    """A catalogue key and its placeholder values, rendered later in the reader's language.

    Attributes
    ----------
    key : str
        Full catalogue key.
    values : Mapping[str, Any]
        Values for the string's placeholders; a value that is itself a :class:`Message` (e.g. a
        unit) is rendered in the same language.
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.key not in CATALOGUE:
            raise KeyError(self.key)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang``.

        Parameters
        ----------
        lang : str
            ``"en"`` for English, otherwise Chinese.

        Returns
        -------
        str
            The formatted message.
        """
        return text(self.key, lang, **self.values)
