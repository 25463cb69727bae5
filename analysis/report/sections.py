"""The report as an HTML document (shared by the PDF and the interactive HTML file).

``render_document`` lays out the sections in the issue's order; figures are PNG bytes embedded
as ``data:`` URIs, so the document never refers to another file or a web address.
"""

from __future__ import annotations

import base64
import html

from analysis.report.document import ReportContent, Table
from analysis.report.fonts import CSS_FONT_STACK
from analysis.report.labels import label, plabel

#: Longest table printed in full; longer tables are cut with a note (the XLSX has every row).
MAX_ROWS = 60
FIGURES = ("map_coverage", "map_circles", "map_grids", "chart_curve", "chart_hist")

CSS = """
body { font-family: %(font)s; font-size: 9.5pt; color: #222; line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 2mm 0; color: #b71c1c; }
h2 { font-size: 13pt; margin: 6mm 0 2mm 0; border-bottom: 1.5px solid #b71c1c; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm 0; }
.subtitle { color: #555; margin-bottom: 2mm; }
.demo { border: 1.5px solid #f9a825; background: #fff8e1; color: #8d6e00; padding: 1.5mm 3mm; margin: 2mm 0; font-weight: bold; }
.sentence { margin: 2mm 0 3mm 0; }
table.figures { border-collapse: separate; border-spacing: 1.5mm; margin: 0 -1.5mm 1mm -1.5mm; width: auto; }
table.figures td { border: 1px solid #ddd; border-radius: 2px; padding: 0.8mm 2mm; width: 25%%; background: #fafafa; }
table.figures .v { font-size: 12pt; font-weight: bold; color: #b71c1c; }
table.figures .k { font-size: 7.5pt; color: #555; }
table { border-collapse: collapse; width: 100%%; margin: 1mm 0 3mm 0; font-size: 8.3pt; }
th, td { border: 0.6px solid #bbb; padding: 0.8mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #f3e5e5; }
td.n { text-align: right; white-space: nowrap; }
td.s { white-space: nowrap; }
tr.total td { font-weight: bold; background: #fafafa; }
figure { margin: 1mm 0 4mm 0; page-break-inside: avoid; break-inside: avoid; }
figure img { width: 100%%; }
figcaption { font-size: 8.5pt; color: #444; text-align: center; margin-top: 1mm; }
.note { font-size: 8pt; color: #666; }
.method p { margin: 1mm 0; }
.attribution { font-size: 8pt; color: #555; }
"""

PDF_CSS = """
@page { size: A4; margin: 14mm 15mm 16mm 15mm;
  @bottom-left { content: "%(footer)s"; font-family: %(font)s; font-size: 7.5pt; color: #666; }
  @bottom-right { content: "%(page_prefix)s" counter(page) "%(page_suffix)s"; font-family: %(font)s; font-size: 7.5pt; color: #666; } }
h2 { break-after: avoid; page-break-after: avoid; }
h3 { break-after: avoid; page-break-after: avoid; }
.first-map img { max-height: 125mm; width: auto; max-width: 100%%; display: block; margin: 0 auto; }
.map img { max-height: 150mm; width: auto; max-width: 100%%; display: block; margin: 0 auto; }
.pagebreak { break-before: page; page-break-before: always; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.fixed { table-layout: fixed; }
"""


def esc(x) -> str:
    """HTML-escaped text.

    Parameters
    ----------
    x : Any
        Converted with ``str``.

    Returns
    -------
    str
    """
    return html.escape(str(x), quote=True)


def img_tag(png: bytes, alt: str) -> str:
    """An <img> embedding PNG bytes as a data: URI.

    Parameters
    ----------
    png : bytes
        A PNG image.
    alt : str
        Alternative text (escaped).

    Returns
    -------
    str
    """
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _table_html(table: Table, lang: str, limit: int | None = MAX_ROWS, fixed: bool = False) -> str:
    """A table with its title; numbers right-aligned; a totals row; a note when rows are cut.
    ``fixed``: the PDF's fixed table layout with column widths from the texts (:func:`_colgroup`)."""
    kinds = [c.kind for c in table.columns]
    head = "".join(f"<th>{esc(c.label)}</th>" for c in table.columns)
    rows = table.display_rows(lang, limit)
    body = []
    for row in rows:
        body.append(f"<tr>{''.join(_cell(v, k) for v, k in zip(row, kinds))}</tr>")
    tot = table.display_totals(lang)
    if tot:
        body.append(f'<tr class="total">{"".join(_cell(v, k) for v, k in zip(tot, kinds))}</tr>')
        rows = [*rows, tot]
    note = ""
    if limit is not None and len(table.df) > limit:
        note = f'<p class="note">{esc(label("more_rows", lang, n=len(table.df) - limit))}</p>'
    cls, cols = f"t-{esc(table.key)}", ""
    if fixed:
        cols = _colgroup([c.label for c in table.columns], rows, [[_nowrap(v, k) for v, k in zip(r, kinds)] for r in rows])
        cls += " fixed" if cols else ""
    return (f'<h3>{esc(table.title)}</h3><table class="{cls}">{cols}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{note}")


def _nowrap(v: str, kind: str) -> bool:
    """Whether :func:`_cell` keeps the cell on one line."""
    return kind != "text" or len(v) <= 6


def _cell(v: str, kind: str) -> str:
    """A table cell: numbers right-aligned, short text (ids, levels) kept on one line."""
    if kind != "text":
        return f'<td class="n">{esc(v)}</td>'
    return f'<td class="s">{esc(v)}</td>' if len(v) <= 6 else f"<td>{esc(v)}</td>"


def _colgroup(header: list[str], rows: list[list[str]], nowrap: list[list[bool]]) -> str:
    """``<colgroup>`` for the fixed table layout, or "" when the table is too wide for it."""
    from analysis.report.colwidths import colgroup_html, column_widths

    widths = column_widths(header, rows, nowrap)
    return colgroup_html(widths) if widths else ""


def header_html(c: ReportContent) -> str:
    """Title, study area, date and (for demo layers) the illustrative-data banner.

    Parameters
    ----------
    c : ReportContent
        The report content.

    Returns
    -------
    str
        HTML.
    """
    demo = f'<div class="demo">{esc(label("demo_note", c.lang))} — {esc(label("demo_note_long", c.lang))}</div>' if c.is_demo else ""
    colon, sep = ("：", "　|　") if c.lang == "zh" else (": ", "  |  ")
    return (f"<h1>{esc(c.title)}</h1>"
            f'<div class="subtitle">{esc(label("study_area", c.lang))}{colon}{esc(c.study_area)}{sep}'
            f'{esc(label("report_date", c.lang))}{colon}{esc(c.date)}{sep}{esc(c.software)}</div>{demo}')


def headline_html(c: ReportContent) -> str:
    """The headline sentence and figure boxes.

    Parameters
    ----------
    c : ReportContent
        The report content (sentence and headline figures).

    Returns
    -------
    str
        HTML: a heading, the sentence and a table of four figures per row.
    """
    cells = [f'<td><div class="v">{esc(h.text)}</div><div class="k">{esc(h.label)}</div></td>' for h in c.headline]
    rows = "".join("<tr>" + "".join(cells[i:i + 4]) + "</tr>" for i in range(0, len(cells), 4))
    return (f'<h2>{esc(label("sec_headline", c.lang))}</h2><p class="sentence">{esc(c.sentence)}</p>'
            f'<table class="figures">{rows}</table>')


def figure_html(figures: dict[str, bytes | None], key: str, caption: str, cls: str = "map") -> str:
    """A figure with caption, or '' when the figure was not drawn.

    Parameters
    ----------
    figures : dict of str to bytes or None
        PNG figures by key.
    key : str
        The figure's key.
    caption : str
        Caption and alternative text.
    cls : str
        CSS class (``map``, ``chart``, ``first-map``).

    Returns
    -------
    str
        HTML ``<figure>`` with the PNG inlined, or ''.
    """
    png = figures.get(key)
    if not png:
        return ""
    return f'<figure class="{cls} fig-{key}">{img_tag(png, caption)}<figcaption>{esc(caption)}</figcaption></figure>'


def render_body(c: ReportContent, figures: dict[str, bytes | None], *, first_map: str | None = None, pdf: bool = True) -> str:
    """All sections as HTML. ``first_map`` replaces the static Map 1 (e.g. an interactive map).

    Parameters
    ----------
    c : ReportContent
        The report content.
    figures : dict of str to bytes or None
        PNG figures by key (:func:`analysis.report.figures.build_figures`).
    first_map : str, optional
        HTML to show instead of the static coverage map.
    pdf : bool
        PDF layout: page breaks and tables cut at ``MAX_ROWS`` rows; False shows every row.

    Returns
    -------
    str
        The body's HTML.
    """
    lang = c.lang
    pb = '<div class="pagebreak"></div>' if pdf else ""
    t = c.tables
    limit = MAX_ROWS if pdf else None  # the HTML page shows every row

    def table_html(table: Table, lang: str) -> str:
        return _table_html(table, lang, limit, fixed=pdf)

    parts = [header_html(c), headline_html(c)]
    parts.append(first_map if first_map is not None else figure_html(figures, "map_coverage", label("map_coverage", lang), "first-map"))
    parts += [pb, f'<h2>{esc(label("sec_sources", lang))}</h2>', _plain_table(c.sources, lang, pdf),
              f'<p class="attribution">{esc(label("osm_licence", lang))}</p>',
              f'<h2>{esc(label("sec_params", lang))}</h2>', _plain_table(c.params, lang, pdf)]
    parts += [f'<h2>{esc(label("sec_maps", lang))}</h2>',
              figure_html(figures, "map_circles", label("map_circles", lang)),
              figure_html(figures, "map_grids", label("map_grids", lang))]
    parts += [pb, f'<h2>{esc(label("sec_areas", lang))}</h2>']
    parts += [table_html(t[k], lang) for k in ("streets", "communities", "compounds", "grids") if k in t]
    if "dual_grid" in t:
        parts += [f'<h3>{esc(label("common.dual_title", lang))}</h3>', f"<p>{esc(c.dual_sentence)}</p>",
                  table_html(t["dual_grid"], lang), table_html(t["dual_grid_grids"], lang)]
    parts += [f'<h2>{esc(label("sec_gaps", lang))}</h2>', f"<p>{esc(c.gap_sentence)}</p>" if c.gap_sentence else "",
              table_html(t["gaps"], lang) if len(t["gaps"].df) else ""]
    parts += [f'<h2>{esc(label("sec_centers", lang))}</h2>', table_html(t["centers"], lang)]
    if "worker_groups" in t:
        parts += [f'<h2>{esc(label("sec_workers", lang))}</h2>', f"<p>{esc(c.workers_note)}</p>",
                  figure_html(figures, "map_workers", label("map_workers", lang)),
                  table_html(t["worker_groups"], lang), table_html(t["worker_streets"], lang)]
        if "worker_weights" in t:
            parts.append(table_html(t["worker_weights"], lang))
    parts.append(f'<h2>{esc(label("sec_audit", lang))}</h2>')
    for key in ("center_audit", "station_audit"):
        parts.append(table_html(t[key], lang) if key in t else
                     f"<h3>{esc(label('t_' + key, lang))}</h3><p class='note'>{esc(label('no_audit', lang))}</p>")
    parts += [f'<h2>{esc(label("sec_charts", lang))}</h2>',
              figure_html(figures, "chart_curve", label("chart_curve", lang), "chart"),
              table_html(t["curve"], lang),
              figure_html(figures, "chart_hist", label("chart_hist", lang), "chart")]
    if c.siting:
        parts += [pb, f'<h2>{esc(label("sec_siting", lang))}</h2>', f"<p>{esc(label('siting_intro', lang))}</p>"]
        if c.siting_note:
            parts.append(f'<p class="note">{esc(c.siting_note)}</p>')
        parts.append(figure_html(figures, "map_siting", label("map_siting", lang)))
        parts += [table_html(tb, lang) for tb in c.siting.values()]
    if c.party is not None:
        for group, sec_key in (("lists", "sec_lists"), ("adoption", "sec_adoption"), ("demo_area", "sec_demo_area")):
            if group not in c.party.tables:
                continue
            parts += [pb, f'<h2>{esc(plabel(sec_key, lang))}</h2>', f"<p>{esc(c.party.intro.get(group, ''))}</p>"]
            if group == "adoption":
                parts.append(figure_html(figures, "map_adoption", plabel("map_adoption", lang)))
            parts += [table_html(tb, lang) for tb in c.party.tables[group].values()]
    parts += [f'<h2>{esc(label("sec_method", lang))}</h2><div class="method">',
              *(f"<p>{esc(p)}</p>" for p in c.method), "</div>"]
    return "\n".join(p for p in parts if p)


def _plain_table(table: Table, lang: str, fixed: bool = False) -> str:
    labels = [col.label for col in table.columns]
    head = "".join(f"<th>{esc(v)}</th>" for v in labels)
    texts = table.display_rows(lang)
    rows = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in texts)
    cols = _colgroup(labels, texts, [[False] * len(labels) for _ in texts]) if fixed else ""
    table_tag = '<table class="fixed">' if cols else "<table>"
    return f"{table_tag}{cols}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def footer_text(c: ReportContent) -> str:
    """Text at the foot of every PDF page: OSM attribution (and the demo note).

    Parameters
    ----------
    c : ReportContent
        The report content (language and demo flag).

    Returns
    -------
    str
    """
    text = label("common.osm_attribution", c.lang)
    if c.is_demo:
        text += "　·　" + label("demo_note", "zh")
    return text


def css(c: ReportContent, pdf: bool) -> str:
    """The stylesheet (with page rules for the PDF).

    Parameters
    ----------
    c : ReportContent
        The report content (language of the page numbers and footer).
    pdf : bool
        Add the A4 page rules, page numbers and footer.

    Returns
    -------
    str
    """
    out = CSS % {"font": CSS_FONT_STACK}
    if pdf:
        pre, _, suf = label("page", c.lang).partition("{n}")
        out += PDF_CSS % {"font": CSS_FONT_STACK, "footer": _css_string(footer_text(c)),
                          "page_prefix": _css_string(pre), "page_suffix": _css_string(suf)}
    return out


def _css_string(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')
