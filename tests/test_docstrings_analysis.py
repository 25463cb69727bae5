"""Every public function and method of the ``analysis`` package's own modules (not its
sub-packages) has a numpydoc docstring with ``Parameters`` naming every parameter and a
``Returns`` section when it returns a value (issue 13, item 5; rules in tests/docstring_check.py)."""

from tests.docstring_check import check_package


def test_analysis_modules_document_parameters_and_returns():
    problems = check_package("analysis", recursive=False)
    assert problems == [], "numpydoc problems in analysis/*.py:\n" + "\n".join(problems)
