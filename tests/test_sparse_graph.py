"""One rule for sparse matrices from triplets: duplicates keep their minimum, never their sum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.siting.problem import CoverageProblem
from analysis.siting.solvers import solve_pmedian
from geo.network import directed_csr
from geo.sparse_graph import csr_min


def test_duplicates_keep_the_minimum():
    m = csr_min(np.array([0, 0, 1, 0]), np.array([1, 1, 0, 1]), np.array([5.0, 2.0, 3.0, 9.0]), (2, 2))
    assert m[0, 1] == 2.0 and m[1, 0] == 3.0 and m.nnz == 2


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.floats(0, 100)), max_size=40))
def test_csr_min_equals_the_pairwise_minimum(triplets):
    rows = np.array([t[0] for t in triplets], dtype=np.int64)
    cols = np.array([t[1] for t in triplets], dtype=np.int64)
    w = np.array([t[2] for t in triplets], dtype=float)
    m = csr_min(rows, cols, w, (5, 5), min_weight=None).toarray()
    best: dict[tuple[int, int], float] = {}
    for r, c, x in triplets:
        best[(r, c)] = min(best.get((r, c), np.inf), x)
    want = np.zeros((5, 5))
    for (r, c), x in best.items():
        want[r, c] = x
    # zero weights are stored explicitly but read as 0 either way
    assert np.allclose(m, want)


def test_parallel_edges_and_self_loops_in_the_node_graph():
    # two parallel streets 0-1 of 100 m and 40 m; a loop at node 1 of 300 m
    m = directed_csr(2, np.array([0, 0, 1]), np.array([1, 1, 1]), np.array([100.0, 40.0, 300.0]), np.zeros(3, bool))
    assert m[0, 1] == 40.0 and m[1, 0] == 40.0 and m[1, 1] == 0


def test_index_outside_the_shape_is_refused():
    with pytest.raises(ValueError):
        csr_min(np.array([2]), np.array([0]), np.array([1.0]), (2, 2))


def test_duplicated_pairs_reduce_to_the_minimum_in_coverage_problems():
    """A duplicated (demand, site) pair must not double a p-median cost and pick the wrong site."""
    # demand 0 (weight 10) is 100 m from site 0 and 150 m from site 1; the pair (0, 0) is listed
    # twice (two routes). Summing would make site 0 cost 200 m and pick site 1.
    prob = CoverageProblem.from_pairs([0, 0, 0], [0, 0, 1], [100.0, 100.0, 150.0], [10.0], 500.0, 2)
    assert len(prob.pair_demand) == 2
    assert prob.pair_dist_m.tolist() == [100.0, 150.0]
    prob2 = CoverageProblem.from_pairs([0, 0, 0], [0, 1, 0], [300.0, 150.0, 100.0], [10.0], 500.0, 2)
    assert prob2.pair_dist_m.tolist() == [100.0, 150.0]  # the shorter of the two listed distances
    res = solve_pmedian(prob, k=1, solver="exact")
    assert list(res.chosen) == [0]
