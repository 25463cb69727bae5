"""Interface strings of the app, from the one catalogue :mod:`geo.messages` (``ui.`` keys).

``t(key, lang, **fmt)`` returns the string for ``lang`` ("zh" or "en"), formatted with ``fmt``.
A bare key is an interface key (``"app_title"`` is ``ui.app_title``); a key with a dot is a full
catalogue key (``"common.yes"``). A missing key raises :class:`KeyError`.
"""

from __future__ import annotations

from geo.messages import CATALOGUE, DEFAULT_LANG, text

__all__ = ["has", "t"]


def _full(key: str) -> str:
    return key if "." in key else f"ui.{key}"


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key : str
        ``ui.`` key without its prefix, or a full catalogue key containing a dot.
    lang : str
        ``"en"`` for English, otherwise Chinese.
    **fmt
        Values of the string's ``{placeholders}``.

    Returns
    -------
    str
        The string shown on the page.
    """
    return text(_full(key), lang, **fmt)


def has(key: str) -> bool:
    """Whether ``key`` (as :func:`t` reads it) is in the catalogue.

    Parameters
    ----------
    key : str
        ``ui.`` key without its prefix, or a full catalogue key.

    Returns
    -------
    bool
        True when :func:`t` finds the key.
    """
    return _full(key) in CATALOGUE
