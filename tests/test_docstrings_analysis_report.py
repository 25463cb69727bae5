"""Every public function and method of ``analysis/report`` has a numpydoc docstring with
``Parameters`` naming every parameter and a ``Returns`` section when it returns a value
(issue 13, item 5; rules in tests/docstring_check.py)."""

from tests.docstring_check import check_package

#: labels.py and party_labels.py are being replaced by one zh/en message catalogue in
#: i13cat's lane (issue 13 item 4); they are checked here once that catalogue has landed.
NOT_YET = ("analysis/report/labels.py:", "analysis/report/party_labels.py:")


def test_analysis_report_documents_parameters_and_returns():
    problems = [p for p in check_package("analysis/report") if not p.startswith(NOT_YET)]
    assert problems == [], "numpydoc problems in analysis/report:\n" + "\n".join(problems)
