"""The app's upload path (Data page, streamlit AppTest) with a representative bad input per corpus
class: refusals show the reader's own message (never the generic "unexpected error" box), files
that can be read show what was read and every problem before use."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.errors import ServiceCircleError
from geo.readers import read_layer_bytes

APP = str(Path(__file__).resolve().parent.parent / "app.py")

#: corpus class -> case id (tests/bad_inputs/make_bad_inputs.py::build_corpus)
REPRESENTATIVE = {
    "values": "value '1.2万'",
    "values-refused": "only row has population inf",
    "encodings": "mixed UTF-8 then GBK rows",
    "files": "binary bytes as csv",
    "diagnoses": "encrypted xlsx",
    "diagnoses-formula": "formula cells without saved values",
    "diagnoses-hidden": "hidden first sheet",
    "diagnoses-grids": "grids csv upload",
    "archives": "zip with two csv files",
    "xml": "kml external entity (XXE)",
    "geometry/crs": "CGCS2000 metres without --crs",
    "location": "a point in the East China Sea",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from bad_inputs.make_bad_inputs import build_corpus

    return {c.id: c for c in build_corpus(tmp_path_factory.mktemp("app_corpus"))}


def test_upload_path_per_corpus_class(corpus):
    from shapely.geometry import box

    from analysis.sample_city import load_sample_city

    net = load_sample_city().network          # the app checks uploads against the network in use
    streets, area = net.edges_gdf()[["geometry"]], box(*net.bounds_wgs84())
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.radio(key="page_zh").set_value("data").run()
    assert not at.exception
    for cls, case_id in REPRESENTATIVE.items():
        case = corpus[case_id]
        kind = case.layer_type
        at.selectbox(key="upload_kind_zh").set_value(kind).run()
        data = case.path.read_bytes()
        at.file_uploader(key=f"uploader_{kind}").set_value((case.path.name, data, "application/octet-stream")).run()
        assert not at.exception, (cls, [e.value for e in at.exception])
        errors = [str(e.value) for e in at.error]
        assert not any("意外错误" in e for e in errors), (cls, errors)
        try:
            expected = read_layer_bytes(data, case.path.name, kind, streets=streets, study_area=area)
        except ServiceCircleError as err:
            assert case.refuse is not None, cls
            assert any(err.message("zh").splitlines()[0] in e for e in errors), (cls, errors)
            assert not any(b.key == "use_layer" for b in at.button), cls
            continue
        assert case.refuse is None, cls
        shown = "\n".join(str(x.value) for x in (*at.caption, *at.markdown, *at.success, *at.warning, *at.error))
        if expected.report.problems:
            tables = [d.value for d in at.dataframe if "说明" in getattr(d.value, "columns", [])]
            assert tables, cls
            want = sorted(p.message_zh for p in expected.report.problems)
            assert sorted(tables[0]["说明"].tolist()) == want, (cls, tables[0])
        else:
            assert "未发现问题" in shown
        assert any(b.key == "use_layer" for b in at.button), cls
