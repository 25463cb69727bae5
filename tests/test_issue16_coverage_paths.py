"""Issue 16 (coverage with 100,000 demand points): the faster paths give the old answers.

Each vectorised or shortcut path is checked against the straightforward code it replaced
(kept here as the reference), on hand-made cases and on hypothesis-generated ones.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.gaps import margin_zones
from geo.tables import Table, _is_total_row, read_csv_table
from geo.schemas import normalize_header


# -- CSV rows: records, line numbers, blank and total rows ------------------------------------------


def _reference_records(text: str) -> tuple[list[list[str]], list[int]]:
    """The reader's former loop: every non-blank record with ``reader.line_num``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",")
    cells, rows = [], []
    for rec in reader:
        if any(str(c).strip() for c in rec):
            cells.append(list(rec))
            rows.append(reader.line_num)
    return cells, rows


def _reference_total(rec: list[object]) -> bool:
    first = next((v for v in rec if v is not None and str(v).strip()), None)
    if first is None:
        return False
    text = str(first)
    if any(ch.isdigit() for ch in text):
        return False
    return normalize_header(text) in {"合计", "总计", "小计", "total", "sum"}


_CELL = st.one_of(
    st.sampled_from(["", " ", "1", "２", "合计", "合 计", "Ｔｏｔａｌ", "sum", "甲小区", "120.17", "3合计", "x²", "\t"]),
    st.text(alphabet="ab 1,\"\r\n合计２", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=0, max_size=4), min_size=1, max_size=8),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_csv_rows_and_line_numbers_as_before(tmp_path_factory, table, newline):
    # write the cells with the csv module (quotes where a cell needs them) or plainly
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(["编号", "名称", "人口", "经度"])
    for r in table:
        w.writerow(r)
    text = buf.getvalue()
    p = tmp_path_factory.mktemp("csv") / "t.csv"
    p.write_bytes(text.encode("utf-8"))
    t = read_csv_table(p)
    cells, rows = _reference_records(text)
    # the header is the first non-blank record here (it matches two schema headers)
    assert cells and cells[0] == ["编号", "名称", "人口", "经度"]
    data, drows = cells[1:], rows[1:]
    keep = [i for i, rec in enumerate(data) if not _reference_total(rec)]
    assert t.data == [data[i] for i in keep]
    assert list(t.rows) == [drows[i] for i in keep]


def test_unquoted_csv_line_numbers_count_blank_lines(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes("编号,名称,人口,经度,纬度\r\n\r\n1,甲,10,120.1,30.2\r\n , ,,,\r\n2,乙,5,120.2,30.3\r\n".encode())
    t = read_csv_table(p)
    assert [r[1] for r in t.data] == ["甲", "乙"]
    assert list(t.rows) == [3, 5]


def test_quoted_field_over_two_lines_keeps_the_line_it_ends_on(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('编号,名称,人口,经度,纬度\n1,"甲\n小区",10,120.1,30.2\n2,乙,5,120.2,30.3\n', encoding="utf-8")
    t = read_csv_table(p)
    assert [r[1] for r in t.data] == ["甲\n小区", "乙"]
    assert list(t.rows) == [3, 4]


def test_many_rows_with_one_total_row(tmp_path):
    lines = ["编号,名称,人口,经度,纬度"] + [f"{i},点{i},{i % 7},120.1,30.2" for i in range(1, 20001)] + ["合计,,99,,"]
    p = tmp_path / "t.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = read_csv_table(p)
    assert len(t.data) == 20000
    assert t.rows[-1] == 20001
    assert any("20002" in n for n in t.notes_zh)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=True), _CELL), max_size=5))
def test_total_row_rule_as_before(rec):
    assert _is_total_row(rec) == _reference_total(rec)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 9), _CELL), max_size=5), max_size=6),
       st.integers(1, 4))
def test_frame_pads_and_cuts_as_before(data, width):
    header = [f"c{i}" for i in range(width)]
    got = Table(header, data, np.arange(len(data))).frame()
    padded = [list(r[:width]) + [None] * (width - len(r)) for r in data]
    assert got.shape == (len(data), width)
    assert got.to_numpy(dtype=object).tolist() == padded or (not data and got.empty)


# -- gap units: the 30 m zone around a unit ---------------------------------------------------------


def _squares(rng, n_cells: int, cell: float = 9.0) -> shapely.Geometry:
    ij = np.unique(rng.integers(0, 40, size=(n_cells, 2)), axis=0)
    boxes = shapely.box(ij[:, 0] * cell, ij[:, 1] * cell, (ij[:, 0] + 1) * cell, (ij[:, 1] + 1) * cell)
    return shapely.coverage_union_all(boxes)


def test_margin_zones_cover_the_same_area_as_one_buffer():
    rng = np.random.default_rng(16)
    units = np.array([_squares(rng, k) for k in (1, 2, 5, 30, 120)] + [shapely.box(0, 0, 50, 20), None], dtype=object)
    got = margin_zones(units, 30.0)
    want = shapely.buffer(units, 30.0)
    assert shapely.is_missing(got[-1]) and shapely.is_missing(want[-1])
    diff = shapely.area(shapely.symmetric_difference(got[:-1], want[:-1]))
    assert (diff < 1e-6 * shapely.area(want[:-1])).all()
    # single-part units are buffered exactly as before
    single = shapely.get_num_geometries(units[:-1]) == 1
    assert shapely.equals_exact(got[:-1][single], want[:-1][single], tolerance=0).all()
    assert len(margin_zones(np.empty(0, dtype=object), 30.0)) == 0


# -- areas of demand points, straight-line circle, cells written to a file --------------------------


def test_first_within_is_the_sjoin_answer():
    import geopandas as gpd
    import pandas as pd

    from analysis.coverage import first_within, inner_points

    rng = np.random.default_rng(7)
    polys = [shapely.box(0, 0, 10, 10), shapely.box(5, 5, 15, 15), shapely.box(20, 0, 30, 10), None,
             shapely.box(0, 0, 30, 30)]
    ids = pd.Series(["A", "B", None, "D", "E"], dtype=object)
    xy = np.vstack([rng.uniform(-5, 35, size=(300, 2)), [[10, 10], [5, 5], [0, 3]]])  # boundaries too
    pts = shapely.points(xy)
    got = first_within(inner_points(pts), np.array(polys, dtype=object), ids)
    g = gpd.GeoDataFrame({"grid_id": ids}, geometry=polys)
    j = gpd.sjoin(gpd.GeoDataFrame(geometry=pts), g, how="left", predicate="within")
    want = j.groupby(level=0)["grid_id"].first().reindex(range(len(pts))).to_numpy()
    assert pd.Series(got).equals(pd.Series(want))
    assert inner_points(pts) is not None and (shapely.equals(inner_points(pts), pts)).all()
    square = np.array([shapely.box(0, 0, 2, 2)], dtype=object)
    assert shapely.equals(inner_points(square), shapely.point_on_surface(square)).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.integers(), st.booleans(), st.text(max_size=3),
                          st.just("<NA>"), st.sampled_from([float("nan"), np.float64("nan"), np.float64(2.5)])),
                max_size=12),
       st.booleans())
def test_text_cells_as_the_former_map(cells, with_na):
    import pandas as pd

    from analysis.export import text_cells

    if with_na:
        cells = cells + [pd.NA]
    s = pd.Series(cells, dtype=object)
    want = s.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    got = pd.Series(text_cells(s.to_numpy()), index=s.index)
    assert got.equals(want)
    assert got.dtype == want.dtype


def test_split_geos_gives_the_single_call_result(monkeypatch):
    import analysis.gaps as gaps

    monkeypatch.setattr(gaps, "GEOS_THREADS", 2)
    monkeypatch.setattr(gaps, "MIN_SPLIT", 1)
    rng = np.random.default_rng(3)
    units = np.array([_squares(rng, k) for k in rng.integers(1, 40, size=25)], dtype=object)
    got = gaps.split_geos(shapely.buffer, units, distance=12.0, cost=shapely.get_num_coordinates(units))
    assert shapely.equals_exact(got, shapely.buffer(units, 12.0), tolerance=0).all()
    table = np.array([[u, shapely.box(0, 0, 1, 1), None] for u in units], dtype=object)
    got = gaps.split_geos(shapely.union_all, table, axis=1)
    assert shapely.equals_exact(got, shapely.union_all(table, axis=1), tolerance=0).all()
    clip = np.full(len(units), shapely.box(0, 0, 200, 150), dtype=object)
    got = gaps.split_geos(shapely.intersection, units, clip)
    assert shapely.equals_exact(got, shapely.intersection(units, clip), tolerance=0).all()
    assert len(gaps.split_geos(shapely.buffer, np.empty(0, dtype=object), distance=1.0)) == 0


# -- level tables: weighted medians and main centers by integer codes -------------------------------


def _reference_weighted_median_by(keys, values, weights):
    import pandas as pd

    df = pd.DataFrame({"k": keys, "v": values, "w": weights})
    df = df[df["w"] > 0].sort_values(["k", "v"], kind="stable")
    if df.empty:
        return pd.Series(dtype=float)
    cum = df.groupby("k")["w"].cumsum()
    half = df.groupby("k")["w"].transform("sum") / 2.0
    return df[cum >= half].groupby("k")["v"].first()


def _reference_main_center(keys, center, weights):
    import pandas as pd

    df = pd.DataFrame({"k": keys, "c": center, "w": weights}).dropna(subset=["c"])
    if df.empty:
        return pd.Series(dtype=object)
    t = df.groupby(["k", "c"])["w"].sum().reset_index()
    return t.loc[t.groupby("k")["w"].idxmax()].set_index("k")["c"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["G1", "G10", "G2", "甲", "乙", "", None]),
                          st.sampled_from([0.0, 1.5, 3.0, 8.0, 8.0, float("inf"), float("nan")]),
                          st.sampled_from([0.0, 1.0, 2.0, 2.5, 10.0, 0.1, 0.2, 0.3]),
                          st.sampled_from(["C01", "C02", "C10", None])), max_size=40))
def test_level_medians_and_main_centers_as_before(rows):
    from analysis.levels import _main_center, _weighted_median_by

    keys = np.array([r[0] for r in rows], dtype=object)
    vals = np.array([r[1] for r in rows], dtype=float)
    w = np.array([r[2] for r in rows], dtype=float)
    cen = np.array([r[3] for r in rows], dtype=object)
    for new, old, args in ((_weighted_median_by, _reference_weighted_median_by, (keys, vals, w)),
                           (_main_center, _reference_main_center, (keys, cen, w))):
        got, want = new(*args), old(*args)
        assert list(got.index) == list(want.index)
        assert [str(v) for v in got.to_numpy()] == [str(v) for v in want.to_numpy()]
    # codes made once from a text column (level_tables): the same answers as from the key array
    import pandas as pd

    from analysis.levels import _sorted_codes

    text = pd.Series(keys, dtype=object).fillna("").astype(str)
    kc = _sorted_codes(text)
    filled = np.asarray(text, dtype=object)
    assert list(kc[1][kc[0]]) == list(filled)
    for got, want in ((_weighted_median_by(filled, vals, w, key_codes=kc), _weighted_median_by(filled, vals, w)),
                      (_main_center(filled, cen, w, key_codes=kc, center_codes=_sorted_codes(cen)),
                       _main_center(filled, cen, w))):
        assert list(got.index) == list(want.index)
        assert [str(v) for v in got.to_numpy()] == [str(v) for v in want.to_numpy()]


# -- gap units: main street names and lattice polygons ----------------------------------------------


def _reference_street_names(network, units, centre):
    """The former naming: every unit's margin zone built and measured."""
    import pandas as pd

    from analysis.gaps import NAME_MARGIN_M, split_geos

    names = np.asarray(network.edge_name, dtype=object)
    named = np.flatnonzero(np.array([isinstance(s, str) and s.strip() != "" for s in names]))
    out = np.full(len(units), "", dtype=object)
    if len(named) == 0 or len(units) == 0:
        return out
    geoms = np.asarray(network.edge_geometry, dtype=object)[named]
    tree = shapely.STRtree(geoms)
    zone = margin_zones(units, NAME_MARGIN_M)
    ui, ei = tree.query(zone, predicate="intersects")
    if len(ui):
        length = shapely.length(split_geos(shapely.intersection, geoms[ei], zone[ui]))
        t = pd.DataFrame({"u": ui, "name": names[named][ei], "len": length})
        best = t.groupby(["u", "name"], sort=False)["len"].sum().reset_index()
        best = best.loc[best.groupby("u")["len"].idxmax()]
        out[best["u"].to_numpy()] = best["name"].to_numpy()
    missing = np.flatnonzero(out == "")
    if len(missing):
        _, ni = tree.query_nearest(shapely.points(centre[missing]), all_matches=False)
        out[missing] = names[named][ni]
    return out


def _street_grid(rng, spacing: float, n: int, names: list):
    import geopandas as gpd

    from geo.network import WalkNetwork

    lines, labels = [], []
    for k in range(n + 1):
        for j in range(n):
            off = rng.uniform(-3, 3)
            lines.append(shapely.LineString([(k * spacing + off, j * spacing), (k * spacing + off, (j + 1) * spacing)]))
            labels.append(names[rng.integers(len(names))])
            lines.append(shapely.LineString([(j * spacing, k * spacing + off), ((j + 1) * spacing, k * spacing + off)]))
            labels.append(names[rng.integers(len(names))])
    gdf = gpd.GeoDataFrame({"name": labels}, geometry=lines, crs="EPSG:32651")
    return WalkNetwork.from_lines(gdf)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([40.0, 70.0, 150.0]), st.sampled_from([3.0, 10.0, 25.0]))
def test_street_names_as_measuring_every_unit(seed, spacing, cell):
    from analysis.gaps import _street_names

    rng = np.random.default_rng(seed)
    net = _street_grid(rng, spacing, 6, ["甲路", "乙路", "丙街", "", None, "  "])
    units, centre = [], []
    for _ in range(40):
        k = int(rng.integers(1, 12))
        ij = np.unique(rng.integers(0, 8, size=(k, 2)), axis=0)
        x0, y0 = rng.uniform(-50, 6 * spacing + 50, 2)
        boxes = shapely.box(x0 + ij[:, 0] * cell, y0 + ij[:, 1] * cell, x0 + (ij[:, 0] + 1) * cell,
                            y0 + (ij[:, 1] + 1) * cell)
        units.append(shapely.coverage_union_all(boxes))
        centre.append(shapely.get_coordinates(shapely.point_on_surface(units[-1]))[0])
    # units whose nearest street lies right at the edge of the margin (the band the shortcut leaves alone)
    for gap in (29.0, 29.9, 30.0, 30.2):
        units.append(shapely.box(spacing + gap, 5.0, spacing + gap + cell, 5.0 + cell))
        centre.append(np.array([spacing + gap + cell / 2, 5.0 + cell / 2]))
    units = np.array(units, dtype=object)
    centre = np.array(centre)
    assert _street_names(net, units, centre).tolist() == _reference_street_names(net, units, centre).tolist()


def _reference_lattice_polygons(xy, lab, n, cell_m, origin):
    from analysis.gaps import _union_simplify

    ij = np.floor((xy - origin) / cell_m).astype(np.int64)
    cells = np.unique(np.column_stack([lab, ij]), axis=0)
    u = cells[:, 0]
    boxes = shapely.box(origin[0] + cells[:, 1] * cell_m, origin[1] + cells[:, 2] * cell_m,
                        origin[0] + (cells[:, 1] + 1) * cell_m, origin[1] + (cells[:, 2] + 1) * cell_m)
    start = np.searchsorted(u, np.arange(n))
    pos = np.arange(len(u)) - start[u]
    arr = np.full((n, int(pos.max()) + 1), None, dtype=object)
    arr[u, pos] = boxes
    return _union_simplify(arr)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.37, 10.0, 100.0, 65.50076707909203]),
       st.floats(-1e6, 1e6, allow_nan=False), st.integers(1, 300))
def test_lattice_polygons_as_one_union_per_unit(seed, cell, shift, npts):
    from analysis.gaps import _lattice_polygons

    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 12 * cell, size=(npts, 2)) + shift
    lab = rng.integers(0, max(1, npts // 3), size=npts)
    _, lab = np.unique(lab, return_inverse=True)                  # labels 0..n-1, every one used
    n = int(lab.max()) + 1
    origin = xy.min(axis=0) - cell / 2.0
    got = _lattice_polygons(xy, lab, n, cell, origin)
    want = _reference_lattice_polygons(xy, lab, n, cell, origin)
    assert (shapely.to_wkb(got) == shapely.to_wkb(want)).all()


def test_street_between_the_zone_polygon_and_the_exact_margin_is_not_in_the_zone():
    # a short street 29.9 m from a unit's corner, half-way between two vertices of the zone's
    # rounded corner (whose chords come within 30 cos(pi/32) = 29.86 m): outside the zone, so the
    # unit takes the street nearest its centre, as when every zone was measured
    import geopandas as gpd

    from analysis.gaps import _street_names
    from geo.network import WalkNetwork

    a = np.deg2rad(180.0 + 11.25 / 2)
    p = 29.9 * np.array([np.cos(a), np.sin(a)])
    t = 0.25 * np.array([-np.sin(a), np.cos(a)])
    lines = [shapely.LineString([p - t, p + t]), shapely.LineString([(0.0, 40.5), (10.0, 40.5)])]
    net = WalkNetwork.from_lines(gpd.GeoDataFrame({"name": ["角路", "北路"]}, geometry=lines, crs="EPSG:32651"))
    units = np.array([shapely.box(0.0, 0.0, 10.0, 10.0)], dtype=object)
    centre = np.array([[5.0, 5.0]])
    want = _reference_street_names(net, units, centre)
    assert want.tolist() == ["北路"]
    assert _street_names(net, units, centre).tolist() == want.tolist()


def test_tabs_inside_cells_of_a_comma_file_do_not_make_tab_the_delimiter(tmp_path):
    # both found by hypothesis: the sniffer alone took a tab for the delimiter
    for text in ('编号,名称,人口,经度\r\t,\n,\t\r', '编号,名称,人口,经度\r\t,1\n,1,\t\r'):
        p = tmp_path / "t.csv"
        p.write_bytes(text.encode("utf-8"))
        t = read_csv_table(p)
        cells, rows = _reference_records(text)
        assert t.header == ["编号", "名称", "人口", "经度"]
        assert t.data == cells[1:] and t.rows.tolist() == rows[1:]
    # a title row with a comma above a tab-separated table keeps the tab
    p.write_bytes("社区数据, 2024\n编号\t名称\t人口\n1\t甲\t30\n".encode("utf-8"))
    t = read_csv_table(p)
    assert t.header == ["编号", "名称", "人口"] and t.data == [["1", "甲", "30"]]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 8))
def test_first_within_on_irregular_polygons_as_the_within_query(seed, n_polys):
    import pandas as pd

    from analysis.coverage import first_within

    rng = np.random.default_rng(seed)
    polys = []
    for _ in range(n_polys):
        c = rng.uniform(0, 100, 2)
        ring = c + rng.uniform(5, 40, (9, 1)) * np.column_stack([np.cos(np.linspace(0, 6.2, 9)), np.sin(np.linspace(0, 6.2, 9))])
        p = shapely.make_valid(shapely.Polygon(ring))
        if rng.random() < 0.3:
            p = shapely.difference(p, shapely.buffer(shapely.Point(c), 4.0))          # a hole
        if rng.random() < 0.3:
            p = shapely.union(p, shapely.box(*(c + 50), *(c + 60)))                   # two parts
        polys.append(p)
    polys = np.array(polys, dtype=object)
    ids = pd.Series([None if rng.random() < 0.2 else f"G{k}" for k in range(n_polys)], dtype=object)
    xy = np.vstack([rng.uniform(-10, 170, size=(400, 2)), shapely.get_coordinates(polys)[:20]])  # vertices too
    pts = shapely.points(xy)
    got = first_within(pts, polys, ids)
    pi, gi = shapely.STRtree(polys).query(pts, predicate="within")
    want = np.full(len(pts), np.nan, dtype=object)
    for p_, g_ in sorted(zip(pi.tolist(), gi.tolist())):
        if pd.isna(want[p_]) and ids[g_] is not None:
            want[p_] = ids[g_]
    assert pd.Series(got).equals(pd.Series(want))
    assert shapely.is_prepared(polys).sum() == 0          # the caller's polygons are left as they were


def test_reproject_gives_the_to_crs_coordinates():
    import geopandas as gpd

    from geo.crs import reproject

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(120.0, 120.3, 500), rng.uniform(30.1, 30.4, 500)
    pts = gpd.GeoDataFrame({"a": np.arange(500), "s": ["甲"] * 500}, geometry=gpd.points_from_xy(lon, lat),
                           crs="EPSG:4326", index=np.arange(500) * 3)
    for crs in ("EPSG:32651", "EPSG:4549", "EPSG:4326"):
        got, want = reproject(pts, crs), pts.to_crs(crs)
        assert got.crs.is_exact_same(want.crs) and got.index.equals(want.index)
        assert got.drop(columns="geometry").equals(want.drop(columns="geometry"))
        assert (shapely.to_wkb(np.asarray(got.geometry.values)) == shapely.to_wkb(np.asarray(want.geometry.values))).all()
        back, back_want = reproject(got, "EPSG:4326"), want.to_crs("EPSG:4326")
        assert (shapely.to_wkb(np.asarray(back.geometry.values)) == shapely.to_wkb(np.asarray(back_want.geometry.values))).all()
    assert reproject(pts, "EPSG:32651") is not pts and pts.crs.to_epsg() == 4326   # a copy; the input unchanged
    # other layers go through to_crs
    other = gpd.GeoDataFrame(geometry=[shapely.box(120, 30, 120.1, 30.1), None, shapely.Point(120.1, 30.2)], crs="EPSG:4326")
    assert reproject(other, "EPSG:32651").geometry.equals(other.to_crs("EPSG:32651").geometry)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(_CELL, st.sampled_from(["1合计", "合计", "小计 ", " 12", "x2"])), max_size=4),
                max_size=12),
       st.booleans())
def test_total_rows_found_as_row_by_row(data, with_numbers):
    from geo.tables import _total_rows

    if with_numbers and data and data[0]:
        data[0][0] = 7                                  # an XLSX number cell: the row-by-row path
    assert _total_rows(data) == [i for i, rec in enumerate(data) if _reference_total(rec)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 3000), st.integers(0, 3000)), min_size=1, max_size=60),
       st.booleans())
def test_unique_cells_as_unique_rows(rows, huge):
    from analysis.gaps import _unique_cells

    a = np.array(rows, dtype=np.int64)
    lab, ij = a[:, 0], a[:, 1:]
    if huge:                                            # a key that would not fit: the row comparison
        ij = ij * 10**7
    assert np.array_equal(_unique_cells(lab, ij), np.unique(np.column_stack([lab, ij]), axis=0))


def test_first_within_with_an_invalid_polygon_takes_the_within_query():
    import pandas as pd

    from analysis.coverage import first_within

    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])   # self-crossing
    polys = np.array([bowtie, shapely.box(20, 0, 30, 10)], dtype=object)
    pts = shapely.points(np.array([[2.0, 5.0], [5.0, 2.0], [25.0, 5.0], [8.0, 5.0]]))
    got = first_within(pts, polys, pd.Series(["B", "G"], dtype=object))
    pi, gi = shapely.STRtree(polys).query(pts, predicate="within")
    want = np.full(len(pts), np.nan, dtype=object)
    for p_, g_ in sorted(zip(pi.tolist(), gi.tolist())):
        if pd.isna(want[p_]):
            want[p_] = ["B", "G"][g_]
    assert pd.Series(got).equals(pd.Series(want))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["G1", "G10", "甲", "", None, "nan"]), max_size=30),
       st.dictionaries(st.sampled_from(["G1", "G10", "甲", "", "乙"]), st.floats(0.1, 2.0), max_size=4))
def test_lookup_as_series_map(keys, table):
    import pandas as pd

    from analysis.levels import _lookup

    s = pd.Series(keys, dtype=object).astype(str)
    got = _lookup(s, table)
    want = s.map(table).astype(float)
    assert got.index.equals(want.index)
    assert np.array_equal(got.to_numpy(), want.to_numpy(), equal_nan=True)
