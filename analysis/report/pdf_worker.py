"""The PDF typeset in a separate process, beside the other formats (the machine has 2 cores).

WeasyPrint takes most of a report's time (about 3.6–4.1 s CPU for the sample city's 27 pages)
and runs on one core. :class:`PdfWorker` starts ``python -m analysis.report.pdf_worker`` early (the
CLI starts it before loading the study): the child imports WeasyPrint, checks the CJK font and
loads it while the parent computes; then it receives the finished HTML on stdin, writes the PDF
atomically (:func:`geo.safe_io.atomic_write_path`) and exits, while the parent writes the HTML,
XLSX and GeoPackage files. Typeset whole, the PDF is byte-for-byte what
:func:`analysis.report.pdf.write_pdf` writes in-process from the same HTML.

With ``"split": true`` in the header the document is typeset in two halves at once, the worker
and a forked child (:func:`analysis.report.pdf_split.typeset_in_two`; same text, same pages).

Protocol on stdin: one JSON line ``{"path": ...}``, then the UTF-8 HTML until end of file. An
empty stdin (the parent stopped early) ends the child without output. A failure is one JSON
line on stderr (``{"type": ..., "message": ...}``) and exit code 3; the parent raises it again
(a :class:`geo.errors.ServiceCircleError` keeps its message, e.g. the missing-font instructions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from geo.errors import ServiceCircleError

ROOT = Path(__file__).resolve().parents[2]
FAILED = 3


class PdfWorkerError(ServiceCircleError):
    """The PDF worker process failed (its message says why)."""


class PdfWorker:
    """A child process that typesets one PDF (see the module docstring).

    Use :meth:`start`, then :meth:`send` once and :meth:`wait`; :meth:`close` stops a child
    that was not used (or is no longer wanted).
    """

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._feeder: threading.Thread | None = None
        self.path: Path | None = None
        self._err: list[bytes] = []
        # stderr is drained all along, so warnings can never fill the pipe and stall the child
        self._reader = threading.Thread(target=lambda: self._err.append(proc.stderr.read()), daemon=True)
        self._reader.start()

    @classmethod
    def start(cls) -> PdfWorker | None:
        """Start the child process; ``None`` when it cannot be started (render in-process then).

        Returns
        -------
        PdfWorker or None
            The running worker, or ``None``.
        """
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        try:
            proc = subprocess.Popen([sys.executable, "-m", "analysis.report.pdf_worker"], cwd=str(ROOT), env=env,
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError:
            return None
        return cls(proc)

    def send(self, html: str, path: str | Path, split: bool = False) -> None:
        """Hand over the document (the full HTML) and the PDF's path; returns at once.

        Parameters
        ----------
        html : str
            The HTML fed to WeasyPrint (:func:`analysis.report.pdf.pdf_html`).
        path : str or Path
            Where the PDF is written (atomically).
        split : bool
            Typeset it in two halves at once (:func:`analysis.report.pdf_split.typeset_in_two`);
            else whole, byte for byte what :func:`analysis.report.pdf.write_pdf` writes.
        """
        self.path = Path(path)
        header = {"path": str(self.path), **({"split": True} if split else {})}
        data = json.dumps(header).encode("utf-8") + b"\n" + html.encode("utf-8")

        def feed() -> None:
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.close()
            except OSError:  # the child died; wait() reports it
                pass

        self._feeder = threading.Thread(target=feed, daemon=True)
        self._feeder.start()

    def wait(self) -> Path:
        """Wait for the PDF; raises the child's error when it failed.

        Returns
        -------
        Path
            The written PDF.

        Raises
        ------
        geo.errors.ServiceCircleError
            With the child's message (e.g. no CJK font installed).
        """
        self.proc.wait()
        if self._feeder is not None:
            self._feeder.join()
        self._reader.join()
        if self.proc.returncode == 0 and self.path is not None and self.path.exists():
            return self.path
        message = b"".join(self._err).decode("utf-8", "replace").strip()
        try:
            info = json.loads(message.splitlines()[-1])
            kind, message = info["type"], info["message"]
        except (ValueError, IndexError, KeyError, TypeError):
            kind = "unknown"
        if kind == "FontMissingError":
            from analysis.report.fonts import FontMissingError

            raise FontMissingError(message)
        if kind == "ServiceCircleError":
            raise ServiceCircleError(message)
        raise PdfWorkerError(f"PDF rendering failed (exit code {self.proc.returncode}): {message[-2000:]}")

    def close(self) -> None:
        """Stop the child if it still runs (no-op after :meth:`wait`)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join()
        for f in (self.proc.stdin, self.proc.stderr):
            try:
                f.close()
            except (OSError, ValueError):
                pass


def _warm_up() -> None:
    """Import WeasyPrint, check the CJK font and typeset a line with it (fontconfig/Pango load it)."""
    from weasyprint import HTML

    from analysis.report.fonts import CSS_FONT_STACK, cjk_font

    cjk_font()
    HTML(string=f'<p style="font-family: {CSS_FONT_STACK}">中文 <b>粗体</b> Latin 0123</p>').render()
    import geo.disk_cache  # noqa: F401  (the split PDF's page-count cache; NumPy loaded while the parent computes)


def main() -> int:
    """Entry point of the child process (see the module docstring).

    Returns
    -------
    int
        Exit code: 0 when the PDF was written (or nothing was asked), 3 on failure.
    """
    parent = os.getppid()
    try:
        _warm_up()
        header = sys.stdin.buffer.readline()
        if not header.strip():
            return 0
        head = json.loads(header)
        path = Path(head["path"])
        html = sys.stdin.buffer.read().decode("utf-8")
        if os.getppid() != parent:  # the parent is gone: its build folder is abandoned
            return 0
        if head.get("split"):
            from analysis.report.pdf_split import typeset_in_two

            typeset_in_two(html, path)
            return 0
        from analysis.report.pdf import write_pdf_html

        write_pdf_html(html, path)
        return 0
    except Exception as err:  # reported to the parent, which raises it again
        kind = type(err).__name__ if isinstance(err, ServiceCircleError) else "error"
        if isinstance(err, ServiceCircleError) and kind not in ("FontMissingError", "ServiceCircleError"):
            kind = "ServiceCircleError"
        print(json.dumps({"type": kind, "message": str(err) or repr(err)}, ensure_ascii=False), file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    raise SystemExit(main())
