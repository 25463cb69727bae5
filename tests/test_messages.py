"""The one message catalogue (geo.messages): complete in both languages, every key used, every
literal key in the code present, and no page of the app showing the other language's text."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from geo.messages import CATALOGUE, Message, pair, text

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

#: zh values that are the same in every language (names, symbols, units, formats).
LANGUAGE_NEUTRAL = {
    "common.osm_attribution",  # the licence's required wording
    "reader.datum_wgs84",  # a datum's name
}

#: en values that deliberately quote a Chinese term, with why: the documents' own names, which
#: planners search for, or units that have no English equivalent in their budgets.
EN_QUOTES_CHINESE = {
    "ui.language": "语言",  # the switch reads in both languages so a reader of either finds it
    "ui.budget_wan": "万元",  # the planners' budget unit (10,000 yuan), as in their documents
    "ui.cost_wan": "万元",
    "report.demo_note": "示例数据，非真实点位",  # the sample-data warning stays readable to Chinese readers
    "report.t_demand_list": "覆盖缺口清单",  # the three proposal tables' names in the documents
    "report.t_resource_list": "候选用房清单",
    "report.t_project_list": "新增站点方案",
    "party.sec_adoption": "门前三包",  # the documents' name of road adoption
    "cli.budget_used": "万元",
    "siting.unit_wan": "万元",  # cost of a chosen site, in the planners' unit
    "error.demand_no_population": "人口",  # the column's Chinese header, which planners look for
    "error.proposal_needs_candidates": "候选点位",  # the documents' name of candidate sites
    "error.manifest_no_area_column": "区域",  # the manifest's Chinese column header
    "error.budget_wan_invalid": "万元",  # the planners' budget unit
    "error.budget_invalid": "万元",
    "error.budget_needs_costs": "万元",
    "error.standard_mandatory_not_list": "饮水机",  # an example item as planners write it in the TOML
    "error.workers_columns": "类型 (group) and 人数",  # the layer's Chinese column headers
    "error.workers_count_invalid": "人数",
    "error.site_kind_unknown": "红色驿站",  # the documents' name of the red station
    "cli.outdoor_workers_persons_osm_estimate": "类型/人数",  # the headers of the uploaded workers layer
    "cli.dual_summary": "双网融合",  # the documents' name of the dual-network check
    "reader.expected_number": "1.2万",  # what planners type into a table, read as 12000
    "reader.should_yes_no_treated_blank": "是/否",  # the words the table should hold
}


def _fields(s: str) -> list[tuple[str, str]]:
    return sorted((f, spec or "") for _, f, spec, _ in string.Formatter().parse(s) if f is not None)


# --------------------------------------------------------------------------- the catalogue itself


def test_every_key_has_both_languages_with_the_same_placeholders():
    assert len(CATALOGUE) > 500
    for key, (zh, en) in CATALOGUE.items():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_\-]+", key), key
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), (key, _fields(zh), _fields(en))


def test_chinese_values_are_chinese_and_english_values_are_english():
    for key, (zh, en) in CATALOGUE.items():
        if key not in LANGUAGE_NEUTRAL:
            assert CJK.search(zh), f"{key}: no Chinese in {zh!r}"
        allowed = EN_QUOTES_CHINESE.get(key, "")
        assert not CJK.search(en.replace(allowed, "") if allowed else en), f"{key}: Chinese in English {en!r}"
    for key, quoted in EN_QUOTES_CHINESE.items():
        assert quoted in CATALOGUE[key][1], (key, "allow-list entry no longer needed")
    for key in LANGUAGE_NEUTRAL:
        assert CATALOGUE[key][0] == CATALOGUE[key][1], key


def test_lookup_is_strict_and_formats():
    assert text("common.yes", "zh") == "是" and text("common.yes", "en") == "yes"
    assert text("siting.only_n_add", "en", n=2).startswith("Only 2 new site(s)")
    assert pair("reader.datum_bd09") == ("BD-09（百度）", "BD-09 (Baidu)")
    with pytest.raises(KeyError):
        text("ui.no_such_key", "en")
    with pytest.raises(KeyError):
        text("siting.only_n_add", "en", m=2)  # a placeholder without its value
    with pytest.raises(KeyError):
        Message("siting.no_such_note")
    unit = Message("siting.unit_workers")
    note = Message("siting.uncoverable", {"n": 1200, "weight": 7.4, "unit": unit})
    assert note.text("en").startswith("No candidate covers 7 outdoor workers at 1,200 demand points")
    assert "7 户外劳动者" in note.text("zh") and "1,200 个需求点" in note.text("zh")


# --------------------------------------------------------------------------- keys in the code

#: lookup function (as imported) -> namespace of a bare key; None: full keys only
_LOOKUPS = {
    ("ui.i18n", "t"): "ui",
    ("ui.i18n", "has"): "ui",
    ("analysis.report.labels", "label"): "report",
    ("analysis.report.labels", "plabel"): "party",
    ("ui.scenario_panel", "tr"): "scenario",
    ("geo.messages", "text"): None,
    ("geo.messages", "pair"): None,
    ("geo.messages", "both"): None,
    ("geo.messages", "Message"): None,
}


def _modules():
    for folder in ("geo", "analysis", "ui", "cli"):
        for f in sorted((ROOT / folder).rglob("*.py")):
            if "messages" not in f.relative_to(ROOT).parts[:2]:
                yield ".".join(f.relative_to(ROOT).with_suffix("").parts), f
    yield "app", ROOT / "app.py"


def _scan():
    """Literal keys passed to a lookup, and every string constant per module."""
    literal: list[tuple[str, str, str]] = []  # (module, namespace or "", key)
    consts: dict[str, set[str]] = {}
    for mod, f in _modules():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        names: dict[str, str | None] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    if (node.module, a.name) in _LOOKUPS:
                        names[a.asname or a.name] = _LOOKUPS[(node.module, a.name)]
            if isinstance(node, ast.FunctionDef) and (mod, node.name) in _LOOKUPS:
                names[node.name] = _LOOKUPS[(mod, node.name)]
        consts[mod] = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
                continue
            ns = names[node.func.id]
            args = node.args[:1]
            if args and isinstance(args[0], ast.IfExp):
                args = [args[0].body, args[0].orelse]
            for a in args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    key = a.value if ("." in a.value or ns is None) else f"{ns}.{a.value}"
                    literal.append((mod, ns or "", key))
    return literal, consts


@pytest.fixture(scope="module")
def scanned():
    return _scan()


def test_every_literal_key_in_the_code_exists(scanned):
    literal, _ = scanned
    assert len(literal) > 600
    missing = sorted({(mod, key) for mod, _, key in literal if key not in CATALOGUE})
    assert not missing, missing


def test_every_catalogue_key_is_used(scanned):
    """A key is used when its full name is a string in the code, or its bare name is one in a module
    that looks keys up in its namespace, or it is ``prefix + suffix`` with the prefix a string of such
    a module and the suffix a string anywhere (``t("kind_" + kind)``)."""
    literal, consts = scanned
    everywhere = set().union(*consts.values())
    by_ns: dict[str, set[str]] = {}
    for mod, ns, _ in literal:
        if ns:
            by_ns.setdefault(ns, set()).update(consts[mod])
    for mod, f in _modules():  # modules that hand keys to a lookup defined elsewhere (tables of keys)
        src = f.read_text(encoding="utf-8")
        for (lmod, fn), ns in _LOOKUPS.items():
            if ns and re.search(rf"\b{fn}\(", src) and (lmod in src or mod == lmod):
                by_ns.setdefault(ns, set()).update(consts[mod])
    dead = []
    for key in CATALOGUE:
        ns, bare = key.split(".", 1)
        local = by_ns.get(ns, set())
        if key in everywhere or bare in local:
            continue
        if any(bare.startswith(p) and bare[len(p):] in everywhere for p in local if p.endswith("_")):
            continue
        if any(key.startswith(p) and key[len(p):] in everywhere for p in everywhere if "." in p and p.endswith(("_", "."))):
            continue
        dead.append(key)
    assert not dead, dead


# --------------------------------------------------------------------------- pages in one language

APP = str(ROOT / "app.py")
PAGES = ("coverage", "data", "siting", "reports", "lists")


def _ui_texts(at) -> list[str]:
    """What the page says: markdown, captions, titles, boxes, metrics, widget and button labels and
    options, tab and expander labels, table headers (not the tables' data cells)."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success", "toast"):
        out += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        out += [str(m.label), str(m.value), str(m.delta or "")]
    for kind in ("button", "checkbox", "toggle", "number_input", "text_input", "text_area", "slider",
                 "select_slider", "tabs", "expander", "download_button", "form_submit_button"):
        out += [str(e.label) for e in getattr(at, kind)]
    for kind in ("radio", "selectbox", "multiselect", "select_slider"):
        for e in getattr(at, kind):
            out += [str(e.label)] + [str(o) for o in e.options]
    for kind in ("dataframe", "table"):
        for e in getattr(at, kind):
            out += [str(c) for c in e.value.columns]
    for e in at.get("file_uploader"):
        out.append(str(getattr(e, "label", "")))
    return [s for s in out if s]


@pytest.fixture(scope="module")
def data_values() -> list[str]:
    """Names in the sample data (communities, streets, centers, ...): data, not interface text."""
    import pandas as pd

    from analysis.party_inputs import load_party_layers
    from analysis.sample_city import load_sample_city
    from analysis.study import load_study

    study = load_study()
    city = load_sample_city()
    party = load_party_layers(osm_features=city.features)
    frames = [getattr(study, n) for n in ("centers", "stations", "grids", "communities", "candidates", "demand")]
    frames += [getattr(party, n) for n in ("units", "needs", "projects", "demo_areas", "rivers")]
    frames.append(study.network.edges_gdf())
    vals: set[str] = set()
    for df in frames:
        if df is None:
            continue
        for c in df.columns:
            if c != "geometry" and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])):
                vals |= {str(v) for v in df[c].dropna().astype(str).unique() if CJK.search(v)}
    return sorted(vals, key=len, reverse=True)


def _visit_pages(lang: str) -> dict[str, list[str]]:
    """Every page in ``lang``; the coverage page with a proposed site, the siting page after a
    red-station run (its notes), the data page after an upload (its preview)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    if lang == "en":
        at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    shown: dict[str, list[str]] = {}
    page = at.radio(key=f"page_{lang}")
    for name in PAGES:
        at.radio(key=f"page_{lang}").set_value(name).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        if name == "coverage":
            at.form_submit_button[0].click().run()  # add a proposed site at the centre of the area
        elif name == "siting":
            at.radio(key=f"siting_kind_{lang}").set_value("red-station").run()
            at.radio(key=f"siting_solver_{lang}").set_value("greedy").run()
            at.number_input(key="siting_k").set_value(2)
            at.button(key="run_siting").click().run()
        elif name == "data":
            csv = "名称,经度,纬度,层级,备注\n示例中心,120.1700,30.2500,社区,\n".encode("utf-8")
            at.selectbox(key=f"upload_kind_{lang}").set_value("centers").run()
            at.file_uploader(key="uploader_centers").set_value(("centers.csv", csv, "text/csv")).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        shown[name] = _ui_texts(at)
    assert page is not None
    return shown


def _chunks(template: str) -> list[str]:
    """The literal parts of a catalogue value between its placeholders."""
    return [lit.strip() for lit, *_ in string.Formatter().parse(template) if lit.strip()]


@pytest.fixture(scope="module")
def pages_en():
    return _visit_pages("en")


@pytest.fixture(scope="module")
def pages_zh():
    return _visit_pages("zh")


def test_english_pages_show_no_chinese(pages_en, data_values):
    """No Chinese catalogue value on any English page; what Chinese remains is data (names of places,
    centers, streets) or one of the deliberately quoted terms."""
    quoted = set(EN_QUOTES_CHINESE.values())
    zh_parts = {c for k, (zh, en) in CATALOGUE.items() if zh != en for c in _chunks(zh) if len(CJK.findall(c)) >= 2}
    problems = []
    for page, texts in pages_en.items():
        assert any("Siting" in s or "Coverage" in s or "Data" in s for s in texts), page
        for s in texts:
            rest = s
            for v in data_values:
                rest = rest.replace(v, " ")
            for q in quoted | {"中文"}:  # the language switch names each language in itself
                rest = rest.replace(q, " ")
            hits = [c for c in zh_parts if c in rest]
            if hits or CJK.search(rest):
                problems.append((page, s, hits[:3]))
    assert not problems, problems


def test_chinese_pages_show_no_english(pages_zh):
    """No English catalogue value on any Chinese page (the siting notes were English here), and no
    column code name (``source_row``) as a header."""
    en_whole = {en for k, (zh, en) in CATALOGUE.items() if zh != en and re.search("[A-Za-z]{3}", en)}
    en_parts = {c for k, (zh, en) in CATALOGUE.items() if zh != en for c in _chunks(en)
                if len(re.findall(r"[A-Za-z]{2,}", c)) >= 3}
    problems = []
    for page, texts in pages_zh.items():
        assert any(CJK.search(s) for s in texts), page
        for s in texts:
            hits = [c for c in en_parts if c in s] + [s] * (s in en_whole)
            hits += [s] * bool(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", s))  # a column's code name as a header
            if hits:
                problems.append((page, s, hits[:3]))
    assert not problems, problems


def test_siting_notes_follow_the_language(pages_zh, pages_en):
    """The red-station run's note (a catalogue message) reads in the page's language."""
    zh, en = pair("siting.demand_workers")
    assert any(zh in s for s in pages_zh["siting"]) and not any(en in s for s in pages_zh["siting"])
    assert any(en in s for s in pages_en["siting"]) and not any(zh in s for s in pages_en["siting"])


def test_user_errors_of_analysis_and_geo_carry_both_languages(tmp_path):
    """Errors that were English only now give the catalogue's Chinese and English on one line."""
    from analysis.report import parse_formats
    from analysis.report.labels import check_lang
    from geo.errors import ServiceCircleError
    from geo.osm_file import check_osm_file
    from geo.scenario_store import open_store

    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    cases = [
        (lambda: parse_formats("pdf,doc"), "error.report_format_unknown",
         dict(bad="doc", formats=("pdf", "html", "xlsx", "gpkg"))),
        (lambda: check_lang("fr"), "error.report_lang", dict(lang="'fr'")),
        (lambda: check_osm_file(tmp_path / "missing.osm.pbf"), "error.osm_not_found",
         dict(path=tmp_path / "missing.osm.pbf")),
        (lambda: check_osm_file(empty), "error.osm_empty", dict(name=empty.name)),
        (lambda: open_store(tmp_path), "scenario.store_is_folder", dict(path=tmp_path)),
    ]
    for call, key, values in cases:
        with pytest.raises(ServiceCircleError) as info:
            call()
        msg = str(info.value)
        zh_msg, en_msg = CATALOGUE[key]
        assert CJK.search(msg), (key, msg)
        assert en_msg.split("{")[0] in msg and zh_msg.split("{")[0] in msg, (key, msg)
        for v in values.values():
            shown = "、".join(v) if isinstance(v, tuple) else str(v)
            assert shown in msg, (key, v, msg)
