"""Basemap layers drawn as one compound path look like GeoDataFrame.plot: holes stay empty."""

from __future__ import annotations

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402

from analysis.report.staticmap import draw_basemap_layer  # noqa: E402


def _render(layer, **style):
    fig, ax = plt.subplots(figsize=(2, 2), dpi=100)
    fig.subplots_adjust(0, 0, 1, 1)
    ax.set_axis_off()
    draw_basemap_layer(ax, layer, **style)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy()
    plt.close(fig)
    return img


def px(img, x, y):  # data (0..100) -> pixel in a 200 x 200 image
    return tuple(img[int(199 - y * 2), int(x * 2)])


def test_polygons_with_holes_lines_and_both_ring_orientations():
    shell = [(10, 10), (60, 10), (60, 60), (10, 60)]
    hole = [(25, 25), (45, 25), (45, 45), (25, 45)]
    cw = shapely.Polygon(shell[::-1], [hole[::-1]])        # clockwise shell, counter-clockwise hole
    multi = shapely.MultiPolygon([shapely.box(70, 70, 90, 90)])
    layer = gpd.GeoDataFrame(geometry=[cw, multi, shapely.LineString([(0, 95), (100, 95)]), shapely.Point(5, 5)])
    img = _render(layer, color="#ff0000", linewidth=6.0)
    red, white = (255, 0, 0), (255, 255, 255)
    assert px(img, 15, 15) == red          # filled shell
    assert px(img, 35, 35) == white        # the courtyard stays empty
    assert px(img, 80, 80) == red          # parts of a multipolygon
    assert px(img, 50, 95) == red          # lines are stroked
    assert px(img, 80, 30) == white        # nothing else drawn (points are not)
