"""Property test: every distance-producing function against an independent NetworkX oracle.

Generated small street graphs contain self-loops, parallel edges of different lengths, one-way
segments, zero-length segments and disconnected pieces; sources and targets stand anywhere on
any edge (ends, middles, loops, parallel edges) with an access distance. The oracle splits each
point into its edge and runs NetworkX Dijkstra (tests/distance_oracle.py), so a summed duplicate
link, a wrong loop offset or a cutoff applied two ways shows up as a disagreement in metres.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cutoff import DIST_TOL_M, within
from analysis.isochrones import reached_intervals
from analysis.siting.problem import CoverageProblem
from analysis.travel_time import nearest_source_distances, per_source_reach, point_distances, points_reach
from tests.distance_oracle import Case, Oracle, build_network, snapped, union_length

#: Agreement required (metres): float rounding plus the 1 µm floor on zero-length links.
TOL_M = 1e-5
#: Distances this close to a cutoff are not judged in or out (either answer is right).
BORDER_M = 1e-4

N_CASES = int(os.environ.get("SC_PROPERTY_CASES", "2000"))
#: Largest disagreement seen, per function (metres); printed at the end of the session by conftest.
WORST: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_worst():
    """After the module: the number of cases and the largest disagreement per function (metres)."""
    yield
    out = Path(__file__).parent / "output"
    out.mkdir(exist_ok=True)
    (out / "distance_oracle.json").write_text(json.dumps(
        {"cases": N_CASES, "largest_disagreement_m": WORST}, indent=1), encoding="utf-8")


def _note(name: str, diff: float) -> None:
    WORST[name] = max(WORST.get(name, 0.0), float(diff))


@st.composite
def cases(draw) -> tuple[Case, float]:
    n = draw(st.integers(1, 7))
    # a few shared positions so that distinct nodes can coincide (zero-length segments)
    spots = draw(st.lists(st.tuples(st.floats(0, 300), st.floats(0, 300)), min_size=1, max_size=n))
    xy = np.array([spots[draw(st.integers(0, len(spots) - 1))] for _ in range(n)], dtype=float)
    n_edges = draw(st.integers(1, 10))
    edges = []
    for _ in range(n_edges):
        u = draw(st.integers(0, n - 1))
        kind = draw(st.sampled_from(["plain", "plain", "plain", "loop", "parallel"]))
        v = u if kind == "loop" else draw(st.integers(0, n - 1))
        if kind == "parallel" and edges:
            u, v = edges[draw(st.integers(0, len(edges) - 1))][:2]
        chord = float(np.hypot(*(xy[v] - xy[u])))
        if u == v:
            length = draw(st.floats(1.0, 400.0)) if draw(st.booleans()) or chord == 0 else chord
        else:
            length = chord * draw(st.sampled_from([1.0, 1.0, 1.3, 2.0])) if chord > 0 else draw(
                st.sampled_from([0.0, 0.0, 25.0]))
        edges.append((u, v, float(length), draw(st.booleans()) and draw(st.booleans())))
    frac = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0))
    point = st.tuples(st.integers(0, len(edges) - 1), frac, st.one_of(st.just(0.0), st.floats(0.0, 60.0)))
    sources = draw(st.lists(point, min_size=1, max_size=4))
    targets = draw(st.lists(point, min_size=1, max_size=6))
    limit = draw(st.one_of(st.floats(0.0, 700.0), st.sampled_from([0.0, 100.0, 600.0])))
    return Case(xy, edges, sources, targets), float(limit)


def _close(a: float, b: float) -> bool:
    if np.isinf(a) or np.isinf(b):
        return bool(np.isinf(a) and np.isinf(b))
    return abs(a - b) <= TOL_M + 1e-9 * abs(b)


@settings(max_examples=N_CASES, deadline=None, suppress_health_check=list(HealthCheck))
@given(cases())
def test_every_distance_function_matches_networkx(case_and_limit):
    case, limit = case_and_limit
    net = build_network(case)
    src = snapped(net, case.sources)
    tgt = snapped(net, case.targets)
    oracle = Oracle(net, src, tgt)
    ns, nt = len(src), len(tgt)

    # nearest-source node distances (one multi-source Dijkstra)
    node_d, node_s = nearest_source_distances(net, src)
    for i in range(net.n_nodes):
        want = min(oracle.source_to_node(s, i) for s in range(ns))
        assert _close(node_d[i], want), ("node", i, node_d[i], want)
        if np.isfinite(want):
            _note("nearest_source_distances", abs(node_d[i] - want))
            assert _close(oracle.source_to_node(int(node_s[i]), i), want)

    # point distances (homes), nearest source and which source
    pd_, ps = point_distances(net, node_d, node_s, tgt, src)
    for t in range(nt):
        want = min(oracle.source_to_target(s, t) for s in range(ns))
        assert _close(pd_[t], want), ("point", t, pd_[t], want)
        if np.isfinite(want):
            _note("point_distances", abs(pd_[t] - want))
            assert _close(oracle.source_to_target(int(ps[t]), t), want)

    # per-source reach (node table) and point reach pairs within the cutoff
    reach = per_source_reach(net, src, limit)
    got = {(int(s), int(i)): d for s, i, d in zip(reach.source, reach.target, reach.dist_m)}
    for s in range(ns):
        for i in range(net.n_nodes):
            want = oracle.source_to_node(s, i)
            if want <= limit - BORDER_M:
                assert (s, i) in got and _close(got[(s, i)], want), ("reach", s, i, got.get((s, i)), want)
                _note("per_source_reach", abs(got[(s, i)] - want))
            elif want > limit + BORDER_M:
                assert (s, i) not in got, ("reach beyond cutoff", s, i, got[(s, i)], want, limit)
    pr = points_reach(net, src, tgt, limit, node_reach=reach)
    got_p = {(int(s), int(t)): d for s, t, d in zip(pr.source, pr.target, pr.dist_m)}
    assert len(got_p) == len(pr)  # one row per pair
    for s in range(ns):
        for t in range(nt):
            want = oracle.source_to_target(s, t)
            if want <= limit - BORDER_M:
                assert (s, t) in got_p and _close(got_p[(s, t)], want), ("points_reach", s, t, got_p.get((s, t)), want)
                _note("points_reach", abs(got_p[(s, t)] - want))
            elif want > limit + BORDER_M:
                assert (s, t) not in got_p

    # siting cover sets: the coverage problem built from those pairs, with a threshold below the cutoff
    threshold = max(limit * 0.75, 1.0)
    prob = CoverageProblem.from_pairs(pr.target, pr.source, pr.dist_m, np.ones(nt), threshold, ns)
    cover = prob.cover.toarray()
    for t in range(nt):
        for s in range(ns):
            want = oracle.source_to_target(s, t)
            if want <= min(threshold, limit) - BORDER_M:
                assert cover[t, s], ("cover set misses", t, s, want, threshold)
            elif want > min(threshold, limit) + BORDER_M:
                assert not cover[t, s], ("cover set has", t, s, want, threshold)

    # isochrones: reached metres of every edge per source, cut at the exact remaining distance
    iv = reached_intervals(net, src, reach, limit)
    pieces: dict[tuple[int, int], list] = {}
    for s, e, a, b in zip(iv["source"], iv["edge"], iv["start_m"], iv["end_m"]):
        pieces.setdefault((int(s), int(e)), []).append((float(a), float(b)))
    for s in range(ns):
        for e in range(net.n_edges):
            got_len = union_length(pieces.get((s, e), []))
            want_len = oracle.reached_length(s, e, limit)
            assert abs(got_len - want_len) <= 2 * BORDER_M, ("isochrone", s, e, got_len, want_len, limit)
            _note("isochrone reached length", abs(got_len - want_len))


@settings(max_examples=int(os.environ.get("SC_WHATIF_CASES", "60")), deadline=None, suppress_health_check=list(HealthCheck))
@given(cases(), st.integers(1, 3))
def test_what_if_matches_networkx(case_and_limit, n_new):
    """Adding proposed sites to a run gives the times of a run with all sites, per the oracle."""
    from analysis.coverage import run_coverage
    from analysis.params import WalkParams
    from analysis.whatif import with_new_sites

    case, _ = case_and_limit
    net = build_network(case)
    pts = snapped(net, case.sources + case.targets)
    n_src = len(case.sources)
    keep_new = min(n_new, n_src)
    # sites stand exactly on the street (access 0): the product snaps them itself
    geo = gpd.GeoSeries(shapely.points(pts.x, pts.y), crs=net.crs)
    base_sites = gpd.GeoDataFrame({"name": [f"c{i}" for i in range(n_src - keep_new)]},
                                  geometry=geo.iloc[: n_src - keep_new].values, crs=net.crs)
    new_sites = gpd.GeoDataFrame({"name": [f"n{i}" for i in range(keep_new)]},
                                 geometry=geo.iloc[n_src - keep_new: n_src].values, crs=net.crs)
    homes = gpd.GeoDataFrame({"population": np.ones(len(case.targets))}, geometry=geo.iloc[n_src:].values, crs=net.crs)
    params = WalkParams(minutes=2.0, speed_kmh=4.5, thresholds=(2.0,))
    if len(base_sites) == 0:
        return
    base = run_coverage(net, base_sites, homes, params)
    after = with_new_sites(base, net, new_sites)
    all_snaps = after.center_snaps
    oracle = Oracle(net, all_snaps, after.demand_snaps)
    mpm = params.metres_per_minute
    for t in range(len(homes)):
        want = min(oracle.source_to_target(s, t) for s in range(len(all_snaps)))
        got = float(after.demand["time_min"].iloc[t]) * mpm
        assert _close(got, want), ("what-if time", t, got, want)
        if np.isfinite(want):
            _note("what-if", abs(got - want))
        n_within = sum(oracle.source_to_target(s, t) <= params.reach_m() - BORDER_M for s in range(len(all_snaps)))
        n_border = sum(abs(oracle.source_to_target(s, t) - params.reach_m()) <= BORDER_M for s in range(len(all_snaps)))
        assert n_within <= after.demand["n_centers_within"].iloc[t] <= n_within + n_border


def test_within_is_one_rule():
    """A home exactly at the threshold is covered everywhere; 1 mm beyond is not."""
    assert within(np.array([480.0]), 480.0)[0]
    assert within(np.array([480.0 + DIST_TOL_M / 2]), 480.0)[0]
    assert not within(np.array([480.001]), 480.0)[0]
    assert not within(np.array([np.inf, np.nan]), 480.0).any()
