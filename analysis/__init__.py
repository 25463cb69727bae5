"""Answers: walking times, isochrones, coverage, population estimates, siting and reports."""
