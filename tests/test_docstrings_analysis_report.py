"""Every public function and method of ``analysis/report`` has a numpydoc docstring with
``Parameters`` naming every parameter and a ``Returns`` section when it returns a value
(issue 13, item 5; rules in tests/docstring_check.py)."""

from tests.docstring_check import check_package


def test_analysis_report_documents_parameters_and_returns():
    problems = check_package("analysis/report")
    assert problems == [], "numpydoc problems in analysis/report:\n" + "\n".join(problems)
