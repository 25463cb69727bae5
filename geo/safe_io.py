"""Safe file handling: atomic writes and zip extraction without traversal or bombs."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from geo.layer_errors import UnsafeFileError
from geo.messages import ByLang, pair, text

DEFAULT_MAX_MEMBERS = 1000
DEFAULT_MAX_TOTAL_BYTES = 500 * 1024 * 1024   # 500 MB unpacked
DEFAULT_MAX_RATIO = 200                       # unpacked/packed size of one member


class UnsafeArchiveError(UnsafeFileError):
    """A zip archive is refused: path traversal, links, too many members, too large unpacked."""


_TMP_RE = re.compile(r"_tmp_(?:(?P<pid>\d+)_)?[0-9a-f]{12}(?:[.-]|$)")
#: temporary files of a dead writer older than this are removed even without a pid in the name
_LEGACY_TMP_AGE_S = 3600.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def clean_stale_temps(folder: str | Path) -> list[Path]:
    """Remove temporary files and folders left in ``folder`` by interrupted writes.

    Names made by :func:`atomic_write_path` / :func:`atomic_folder` carry the writer's process id
    (``<stem>_tmp_<pid>_<token>``, ``.<name>_tmp_<pid>_<token>``), so a later run removes exactly
    those whose process is gone, together with SQLite side files (``-journal``, ``-wal``,
    ``-shm``); names without a pid (older versions) are removed after an hour. Files of a run
    still going on are never touched.

    Parameters
    ----------
    folder : str or Path
        Folder to tidy (not recursive); a missing or unreadable folder is left alone.

    Returns
    -------
    list of Path
        What was removed.
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        m = _TMP_RE.search(p.name)
        if not m:
            continue
        try:
            if m.group("pid"):
                if _pid_alive(int(m.group("pid"))):
                    continue
            elif now - p.lstat().st_mtime < _LEGACY_TMP_AGE_S:
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed


def _tmp_token() -> str:
    return f"{os.getpid()}_{secrets.token_hex(6)}"


@contextlib.contextmanager
def atomic_write_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    On any exception the temporary file is removed and ``path`` is left as it was, so a crash
    never leaves a half-written file. The temporary path does not exist yet and keeps the
    suffix (writers such as GDAL choose the format from it); pass ``layer=`` to GDAL writers,
    as the default layer name would come from the temporary stem. Its name carries this
    process's id, so leftovers of a killed run are removed by the next write into the folder
    (:func:`clean_stale_temps`) and two concurrent runs never share a name.

    Parameters
    ----------
    path : str or Path
        Final file; its parent folder is created if needed.

    Yields
    ------
    Path
        The temporary path to write to (same folder and suffix as ``path``).

    Raises
    ------
    OSError
        Nothing was written to the temporary path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(target.parent)
    # a fresh name made of word characters: GDAL takes the layer name from the file stem
    tmp = target.with_name(f"{target.stem}_tmp_{_tmp_token()}{target.suffix}")
    try:
        yield tmp
        if not tmp.exists():
            raise OSError(f"nothing was written to {tmp}")
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(FileNotFoundError):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
        raise


def exchange_paths(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2(RENAME_EXCHANGE)``).

    Parameters
    ----------
    a, b : Path
        Existing files or folders on the same file system.

    Returns
    -------
    bool
        True when swapped; False when the system does not support it or the call failed.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange)
    return rc == 0


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Build a set of files in a private folder beside ``path``; on success it becomes ``path``.

    The new folder replaces the old one in one atomic step (a directory exchange), so anyone
    looking at ``path`` - or a run killed at any moment - sees the previous complete set or the
    new complete set, never a mix. Files already in ``path`` that the new set does not contain
    (another language's report, a planner's notes) are carried over as hard links first.
    Should ``path`` hold sub-folders or links (not ours to move), or the system cannot swap
    folders, the new files are moved in one by one instead (each file still whole).
    On any exception the private folder is removed and ``path`` is untouched.

    Parameters
    ----------
    path : str or Path
        Final folder; its parent is created if needed.

    Yields
    ------
    Path
        The private, empty folder to write the files into.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(target.parent)
    if target.is_dir():
        clean_stale_temps(target)
    tmp = target.with_name(f".{target.name}_tmp_{_tmp_token()}")
    tmp.mkdir()
    try:
        yield tmp
        _install_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _install_folder(tmp: Path, target: Path) -> None:
    if not target.exists():
        try:
            os.rename(tmp, target)  # atomic; fails if another run created it meanwhile
            return
        except OSError:
            if not target.is_dir():
                raise
    entries = list(target.iterdir())
    simple = all(p.is_file() and not p.is_symlink() for p in entries)
    if simple:
        for p in entries:
            if not (tmp / p.name).exists():
                try:
                    os.link(p, tmp / p.name)
                except OSError:
                    shutil.copy2(p, tmp / p.name)
        if exchange_paths(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # now holds the previous set
            return
    for p in tmp.iterdir():  # fallback: file by file, each replaced atomically
        os.replace(p, target / p.name)
    shutil.rmtree(tmp, ignore_errors=True)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write_path`).

    Parameters
    ----------
    path : str or Path
        Final file.
    data : bytes
        Whole content.

    Returns
    -------
    Path
        ``path`` as a :class:`Path`.
    """
    with atomic_write_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_path`).

    Parameters
    ----------
    path : str or Path
        Final file.
    text : str
        Whole content.
    encoding : str
        Text encoding (UTF-8 by default).

    Returns
    -------
    Path
        ``path`` as a :class:`Path`.
    """
    return atomic_write_bytes(path, text.encode(encoding))


def _member_problem(info: zipfile.ZipInfo) -> tuple[str, str] | None:
    """(zh, en) reason why a member is unsafe, or None."""
    name = info.filename
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "绝对路径", "absolute path"
    if any(part == ".." for part in p.parts):
        return "路径含“..”，会写到文件夹之外", "'..' in the path (would write outside the folder)"
    mode = (info.external_attr >> 16) & 0xFFFF
    if stat.S_ISLNK(mode):
        return "符号链接", "symbolic link"
    return None


def safe_extract_zip(
    path: str | Path,
    dest: str | Path,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> list[Path]:
    """Extract a zip archive into ``dest`` safely and return the extracted file paths.

    Sizes are checked from the directory first and enforced again while unpacking, so a lying
    header cannot get past the limit.

    Parameters
    ----------
    path : str or Path
        The zip archive.
    dest : str or Path
        Folder to extract into (created if needed).
    max_members : int
        Most members (files and folders) allowed.
    max_total_bytes : int
        Most bytes allowed unpacked, all members together (500 MB by default).
    max_ratio : float
        Highest unpacked/packed size ratio of one member larger than 1 MB.

    Returns
    -------
    list of Path
        Resolved paths of the extracted files (folders not listed).

    Raises
    ------
    UnsafeArchiveError
        Not a valid zip; absolute or ``..`` member paths or links; more than ``max_members``
        members; more than ``max_total_bytes`` unpacked; or a member over ``max_ratio``
        (zip bombs).
    """
    src = Path(path)
    dest = Path(dest)
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as err:
        raise UnsafeArchiveError(
            *pair("reader.not_zip", name=src.name, err=err)
        ) from err
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise UnsafeArchiveError(
                *pair("reader.too_many_members", name=src.name, n=len(infos), max_members=max_members)
            )
        bad = [(i.filename, why) for i in infos if (why := _member_problem(i))]
        if bad:
            listing_zh = "；".join(f"{n}（{w[0]}）" for n, w in bad[:5])
            listing = "; ".join(f"{n} ({w[1]})" for n, w in bad[:5])
            raise UnsafeArchiveError(
                *pair("reader.unsafe_member_paths", name=src.name, listing=ByLang(listing_zh, listing))
            )
        declared = sum(i.file_size for i in infos)
        ratio_bad = [i for i in infos if i.file_size > 1_000_000 and i.file_size > max_ratio * max(i.compress_size, 1)]
        if declared > max_total_bytes or ratio_bad:
            raise UnsafeArchiveError(
                *pair("reader.zip_bomb", name=src.name, size_mb=declared / 1e6, limit_mb=max_total_bytes / 1e6)
            )
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        written: list[Path] = []
        total = 0
        for info in infos:
            target = (dest / info.filename.replace("\\", "/")).resolve()
            if root not in target.parents and target != root:
                raise UnsafeArchiveError(*pair("error.archive_member_outside", name=src.name, member=info.filename,
                                               dest=ByLang(text("error.archive_target_folder", "zh"), dest)))
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as fin, open(target, "wb") as fout:
                while block := fin.read(1 << 20):
                    total += len(block)
                    if total > max_total_bytes:
                        raise UnsafeArchiveError(
                            *pair("reader.unpacked_past_limit", name=src.name, limit_mb=max_total_bytes / 1e6)
                        )
                    fout.write(block)
            written.append(target)
    return written
