"""Siting new service centers and red stations: coverage sets, MCLP / LSCP / p-median, greedy.

Modules: ``problem`` (sparse coverage model and its exact reduction), ``greedy`` (incremental
greedy), ``highs_model`` (sparse MILP straight into HiGHS), ``solvers`` (exact and greedy
answers with gaps), ``candidates``, ``workers`` (red-station demand proxy), ``api``
(``run_siting``, used by the CLI and the app) and ``export`` (GeoPackage).
"""
