"""Geometry and data: OSM street networks, layers I/O and validation, coordinate systems, snapping.

Everything measured here is in a projected metric CRS (metres); WGS-84 only at the edges.
"""
