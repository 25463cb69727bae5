"""Every public function and method of ``analysis/siting`` has a numpydoc docstring naming its
parameters and its return value (issue 13 item 5; rules in :mod:`tests.docstring_check`)."""

from __future__ import annotations

from tests.docstring_check import check_package


def test_analysis_siting_public_api_has_numpydoc_parameters_and_returns():
    problems = check_package("analysis/siting")
    assert problems == [], "numpydoc sections missing in analysis/siting/:\n" + "\n".join(problems)
