"""The PDF typeset in two halves at once (issue 16, target 4): split, page numbers, merge.

WeasyPrint lays out on one core. The report's document has forced page breaks between its
sections (``<div class="pagebreak">``, :mod:`analysis.report.sections`); :func:`split_document`
cuts it at the break that best balances the work into two documents with the same head
(styles). :func:`typeset_in_two` runs in the PDF worker process
(:mod:`analysis.report.pdf_worker`): once WeasyPrint and the font are loaded it forks, the child
typesets the second half while the worker typesets the first (no second interpreter start or
WeasyPrint import: a second worker process cost ~1 s CPU more, measured). The second half's
page numbers continue the first's: its first page is numbered with ``@page :first {
counter-reset: page N }`` (:func:`first_page_css`), N = the first half's page count + 1, known
only once the first half is laid out; so the second half is laid out with a guess (the first
half's page count from an earlier run of the same first half, :func:`remembered_pages`, or else
that of the first half typeset last, :func:`guessed_pages`) and laid out again when the guess was
wrong, or waits for the count when no report was typeset before.
:func:`merge_parts` joins the two files with pypdf and rebuilds the bookmarks (outline) of the
whole document from both halves' headings, nested as WeasyPrint nests them
(:func:`bookmark_tree`). The report has no total page count, table of contents or internal
links, so nothing else refers across the cut.

Measured (sample city, 27 pages, CPU s, load ~2.5 from other jobs): the whole PDF in one process
3.6–4.1 (layout + drawing); the halves 2.33 (pages 1–17, six figures) and 1.52 (pages 18–27) at
once, 2.8 s wall; merging 0.15 (pypdf import 0.09). The merged text is the one-process text
(pdftotext, footers included), the outline the same; the file is larger (2.6 MB instead of
2.3 MB: each half embeds its own font subset).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from pathlib import Path

PAGEBREAK = '<div class="pagebreak"></div>'
#: Typesetting work of one figure, in table cells (measured: a cell ~0.8 ms, a figure ~90 ms
#: of drawing, PNG re-encoding included)
FIGURE_CELLS = 100
PAGES_KIND = "pdf-part-pages"


def split_document(html: str) -> tuple[str, str] | None:
    """The document cut in two at the forced page break that best balances the work.

    Parameters
    ----------
    html : str
        The whole document (:func:`analysis.report.pdf.pdf_html`).

    Returns
    -------
    tuple of (str, str) or None
        Two complete HTML documents (same head), or ``None`` when there is no page break to cut at.
    """
    start, end = html.find("<body>"), html.rfind("</body>")
    if start < 0 or end < start:
        return None
    start += len("<body>")
    head, body, tail = html[:start], html[start:end], html[end:]
    chunks = body.split(PAGEBREAK)
    if len(chunks) < 2:
        return None
    costs = [c.count("<td") + FIGURE_CELLS * c.count("<img") for c in chunks]
    total = sum(costs)
    best = min(range(1, len(chunks)), key=lambda k: abs(2 * sum(costs[:k]) - total))
    return head + PAGEBREAK.join(chunks[:best]) + tail, head + PAGEBREAK.join(chunks[best:]) + tail


def first_page_css(first_page: int) -> str:
    """A stylesheet numbering the document's first page ``first_page`` (the page footers).

    Parameters
    ----------
    first_page : int
        Number printed on the first page (1 or more).

    Returns
    -------
    str
        CSS ("" for 1).
    """
    return "" if int(first_page) == 1 else f"@page :first {{ counter-reset: page {int(first_page)}; }}"


def _pages_key(part_html: str) -> str:
    from importlib.metadata import version

    from geo.disk_cache import cache_key

    return cache_key(kind=PAGES_KIND, html=hashlib.sha256(part_html.encode("utf-8")).hexdigest(),
                     weasyprint=version("weasyprint"))


def remembered_pages(part_html: str, cache_dir: str | Path | None = None) -> int | None:
    """The page count this first part had when it was typeset before, or ``None``.

    Only a guess that saves waiting: the second part checks it against the real count.

    Parameters
    ----------
    part_html : str
        The first part's document.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    int or None
    """
    return _read_pages(_pages_key(part_html), cache_dir)


def _read_pages(key: str, cache_dir: str | Path | None) -> int | None:
    """A remembered page count (``None``: none, or an unreadable entry)."""
    from geo.disk_cache import read_entry

    try:
        entry = read_entry(PAGES_KIND, key, cache_dir)
        pages = entry[1].get("pages") if entry is not None else None
        return pages if isinstance(pages, int) and pages > 0 else None
    except Exception:  # noqa: BLE001 - no guess
        return None


def _latest_key() -> str:
    from importlib.metadata import version

    from geo.disk_cache import cache_key

    return cache_key(kind=PAGES_KIND, latest="first half", weasyprint=version("weasyprint"))


def guessed_pages(part_html: str, cache_dir: str | Path | None = None) -> int | None:
    """The first part's page count to lay the second part out with before the real count is known.

    The count this very first part had before (:func:`remembered_pages`) or else the count of
    the first part typeset last, whatever its content: a report of changed data keeps its
    sections and the PDF's tables are cut at a fixed number of rows, so the first half's page
    count seldom changes, and a wrong guess only costs a second layout of the second half.

    Parameters
    ----------
    part_html : str
        The first part's document.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    int or None
        Page count, or ``None`` when no first part was typeset before.
    """
    exact = remembered_pages(part_html, cache_dir)
    return exact if exact is not None else _read_pages(_latest_key(), cache_dir)


def remember_pages(part_html: str, pages: int, cache_dir: str | Path | None = None) -> None:
    """Keep the first part's page count for the next run (:func:`remembered_pages`).

    Parameters
    ----------
    part_html : str
        The first part's document.
    pages : int
        Its page count.
    cache_dir : str or Path, optional
        Cache folder.
    """
    import numpy as np

    from geo.disk_cache import write_entry

    try:
        for key in (_pages_key(part_html), _latest_key()):
            write_entry(PAGES_KIND, key, {"pages": np.array([int(pages)])}, {"pages": int(pages)}, cache_dir)
    except Exception:  # noqa: BLE001 - a guess only
        pass


def bookmark_tree(bookmarks: list[list]) -> list[tuple]:
    """Nest headings into an outline the way WeasyPrint does (``weasyprint.anchors``).

    Parameters
    ----------
    bookmarks : list of list
        ``[level, label, page_index, x, y, state]`` in document order (PDF coordinates, points).

    Returns
    -------
    list of tuple
        Subtrees ``(label, (page_index, x, y), children, state)``.
    """
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for level, label, page, x, y, state in bookmarks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list = []
        last_by_depth[depth - 1].append((label, (page, x, y), children, state))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _bookmarks(rendered) -> list[list]:
    """Headings of a laid-out document: ``[level, label, page_index, x, y, state]`` in PDF
    points with the origin at the bottom left (as WeasyPrint writes its outline)."""
    marks = []
    for i, page in enumerate(rendered.pages):
        for level, label, (x, y), state in page.bookmarks:
            marks.append([level, label, i, x * 0.75, (page.height - y) * 0.75, state])
    return marks


def _render(doc, first_page: int):
    """Lay out a parsed document with its first page numbered ``first_page``."""
    from weasyprint import CSS

    css = first_page_css(first_page)
    return doc.render(stylesheets=[CSS(string=css)] if css else None)


def _read_line(fd: int) -> str:
    """One line from a pipe ("" when it closed first)."""
    out = b""
    while not out.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            return ""
        out += chunk
    return out.decode("utf-8").strip()


def typeset_in_two(html: str, path: str | Path, cache_dir: str | Path | None = None) -> Path:
    """Typeset ``html`` to ``path`` (PDF, atomically) in two halves at once (see the module docstring).

    Called in the PDF worker process (WeasyPrint loaded). A document without a forced page
    break, a system without ``os.fork`` or an environment without pypdf gets it typeset whole.

    Parameters
    ----------
    html : str
        The whole document (:func:`analysis.report.pdf.pdf_html`).
    path : str or Path
        The PDF file to write.
    cache_dir : str or Path, optional
        Cache folder for the first half's page count (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RuntimeError
        When the second half failed (its error is on stderr).
    """
    from weasyprint import HTML

    from analysis.report.pdf import write_pdf_html

    import importlib.util

    path = Path(path)
    # whole without os.fork, or without pypdf (an environment installed before it was a dependency)
    can_split = hasattr(os, "fork") and importlib.util.find_spec("pypdf") is not None
    parts = split_document(html) if can_split else None
    if parts is None:
        return write_pdf_html(html, path)
    first_html, second_html = parts
    known = remembered_pages(first_html, cache_dir)
    guess = known if known is not None else guessed_pages(first_html, cache_dir)
    part_paths = [path.with_name(f".{path.stem}.part{i}.pdf") for i in (1, 2)]
    pages_r, pages_w = os.pipe()  # the first half's page count, to the child
    report_r, report_w = os.pipe()  # the second half's pages and headings, from the child
    pid = os.fork()
    if pid == 0:  # the child: the second half
        code = 1
        try:
            os.close(pages_w)
            os.close(report_r)
            doc = HTML(string=second_html, base_url=None)
            first = guess + 1 if guess is not None else int(_read_line(pages_r) or 0)
            if first > 0:
                rendered = _render(doc, first)
                actual = first if guess is None else int(_read_line(pages_r) or 0)
                if actual > 0:
                    if actual != first:  # a wrong guess: the footers need other numbers
                        rendered = _render(doc, actual)
                    rendered.write_pdf(str(part_paths[1]))
                    data = json.dumps({"pages": len(rendered.pages), "bookmarks": _bookmarks(rendered)}).encode()
                    while data:
                        data = data[os.write(report_w, data):]
                    code = 0
        except BaseException:  # noqa: BLE001 - reported on stderr, the worker raises
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(pages_r)
    os.close(report_w)
    try:
        rendered = HTML(string=first_html, base_url=None).render()
        pages = len(rendered.pages)
        os.write(pages_w, f"{pages + 1}\n".encode())
        os.close(pages_w)
        pages_w = -1
        rendered.write_pdf(str(part_paths[0]))
        first_report = {"pages": pages, "bookmarks": _bookmarks(rendered)}
        chunks = []
        while chunk := os.read(report_r, 1 << 16):
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        pid = 0
        if status != 0 or not chunks:
            raise RuntimeError("the second half of the PDF failed (see above)")
        merge_parts(part_paths, [first_report, json.loads(b"".join(chunks))], path)
        if pages != known:
            remember_pages(first_html, pages, cache_dir)
        return path
    finally:
        for fd in (pages_w, report_r):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        for p in part_paths:
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass


def merge_parts(parts: list[Path], reports: list[dict], path: str | Path) -> Path:
    """Join the typeset parts into ``path`` (atomically) with the whole document's outline.

    Parameters
    ----------
    parts : list of Path
        The parts' PDF files, in order.
    reports : list of dict
        Each part's ``{"pages": n, "bookmarks": [[level, label, page_index, x, y, state], ...]}``
        (from its worker).
    path : str or Path
        The PDF to write.

    Returns
    -------
    Path
        ``path``.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit

    from geo.safe_io import atomic_write_path

    writer = PdfWriter()
    marks, offset = [], 0
    for part, report in zip(parts, reports):
        writer.append(str(part), import_outline=False)
        marks += [[lv, label, page + offset, x, y, state] for lv, label, page, x, y, state in report["bookmarks"]]
        offset += int(report["pages"])

    def add(tree, parent=None):
        for label, (page, x, y), children, state in tree:
            item = writer.add_outline_item(title=label, page_number=page, parent=parent, fit=Fit.xyz(left=x, top=y, zoom=0),
                                           is_open=state != "closed")
            add(children, item)

    add(bookmark_tree(marks))
    info = PdfReader(str(parts[0])).metadata
    if info:
        writer.add_metadata({k: v for k, v in info.items()})
    with atomic_write_path(path) as tmp:
        writer.write(str(tmp))
    return Path(path)
