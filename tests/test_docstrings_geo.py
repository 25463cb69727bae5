"""Every public function and method of ``geo`` has a numpydoc docstring naming its parameters
and its return value (issue 13 item 5; rules in :mod:`tests.docstring_check`)."""

from __future__ import annotations

from tests.docstring_check import check_package


def test_geo_public_api_has_numpydoc_parameters_and_returns():
    problems = check_package("geo")
    assert problems == [], "numpydoc sections missing in geo/:\n" + "\n".join(problems)
