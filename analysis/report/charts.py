"""Report charts: coverage against minutes (5–15) and the histogram of walking times."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis.report.document import ReportContent  # noqa: E402
from analysis.report.fonts import use_cjk_font  # noqa: E402
from analysis.report.labels import label  # noqa: E402


def chart_curve(content: ReportContent, threshold_min: float):
    """Share covered (%) at each threshold from the report's curve table; the threshold marked.

    Parameters
    ----------
    content : ReportContent
        Report content with the ``curve`` table (``minutes``, ``covered_share`` 0-1).
    threshold_min : float
        The service-circle threshold, minutes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    use_cjk_font()
    lang = content.lang
    df = content.tables["curve"].df
    fig, ax = plt.subplots(figsize=(6.5, 3.0), dpi=100)
    share = df["covered_share"].to_numpy() * 100
    ax.plot(df["minutes"], share, marker="o", color="#2e7d32")
    for x, y in zip(df["minutes"], share):
        ax.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
    ax.axvline(threshold_min, color="#c62828", linestyle="--", linewidth=1)
    ax.text(threshold_min, 97, f" {threshold_min:g} {label('unit_min', lang)}", color="#c62828", fontsize=8, va="top")
    ax.set_xlabel(label("axis_minutes", lang))
    ax.set_ylabel(label("axis_share", lang))
    ax.set_ylim(0, 105)
    ax.set_xticks(df["minutes"])
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def chart_histogram(content: ReportContent, threshold_min: float):
    """Residents per one-minute bin; bins within the threshold green, beyond it orange.

    Parameters
    ----------
    content : ReportContent
        Report content with the ``histogram`` table (``from_min``, ``to_min``, ``population`` persons).
    threshold_min : float
        The service-circle threshold, minutes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    use_cjk_font()
    lang = content.lang
    df = content.tables["histogram"].df
    fig, ax = plt.subplots(figsize=(6.5, 3.0), dpi=100)
    left = df["from_min"].to_numpy()
    width = (df["to_min"] - df["from_min"]).to_numpy()
    colours = np.where(df["to_min"].to_numpy() <= threshold_min + 1e-9, "#66bd63", "#fdae61")
    ax.bar(left, df["population"], width=width * 0.92, align="edge", color=colours, edgecolor="none")
    ax.axvline(threshold_min, color="#c62828", linestyle="--", linewidth=1)
    last = df.iloc[-1]
    if last["population"] > 0:
        ax.annotate(label("hist_last_bin", lang, m=last["from_min"]), (last["from_min"] + 0.5, last["population"]),
                    textcoords="offset points", xytext=(-4, 4), ha="right", fontsize=7)
    ax.set_xlabel(label("axis_time", lang))
    ax.set_ylabel(label("common.residents", lang))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
