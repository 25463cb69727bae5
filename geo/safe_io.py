"""Safe file handling: atomic writes and zip extraction without traversal or bombs."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from geo.layer_errors import UnsafeFileError

DEFAULT_MAX_MEMBERS = 1000
DEFAULT_MAX_TOTAL_BYTES = 500 * 1024 * 1024   # 500 MB unpacked
DEFAULT_MAX_RATIO = 200                       # unpacked/packed size of one member


class UnsafeArchiveError(UnsafeFileError):
    """A zip archive is refused: path traversal, links, too many members, too large unpacked."""


@contextlib.contextmanager
def atomic_write_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    On any exception the temporary file is removed and ``path`` is left as it was, so a crash
    never leaves a half-written file. The temporary path does not exist yet and keeps the
    suffix (writers such as GDAL choose the format from it); pass ``layer=`` to GDAL writers,
    as the default layer name would come from the temporary stem.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # a fresh name made of word characters: GDAL takes the layer name from the file stem
    tmp = target.with_name(f"{target.stem}_tmp_{secrets.token_hex(6)}{target.suffix}")
    try:
        yield tmp
        if not tmp.exists():
            raise OSError(f"nothing was written to {tmp}")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            if tmp.is_dir():
                shutil.rmtree(tmp)
            else:
                tmp.unlink()
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_write_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path."""
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

    Refuses (:class:`UnsafeArchiveError`) archives with absolute or ``..`` member paths, links,
    more than ``max_members`` members, more than ``max_total_bytes`` unpacked, or a member whose
    compression ratio exceeds ``max_ratio`` (zip bombs). Sizes are checked from the directory
    first and enforced again while unpacking, so a lying header cannot get past the limit.
    """
    src = Path(path)
    dest = Path(dest)
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as err:
        raise UnsafeArchiveError(
            f"{src.name}：不是有效的 zip 压缩包（{err}），请重新压缩后再上传。",
            f"{src.name}: not a valid zip archive ({err}); zip the files again."
        ) from err
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise UnsafeArchiveError(
                f"{src.name}：压缩包内有 {len(infos)} 个文件，超过上限 {max_members}，请只打包需要的图层。",
                f"{src.name}: the archive holds {len(infos)} members, more than the limit of {max_members}; "
                f"zip only the layer you need."
            )
        bad = [(i.filename, why) for i in infos if (why := _member_problem(i))]
        if bad:
            listing_zh = "；".join(f"{n}（{w[0]}）" for n, w in bad[:5])
            listing = "; ".join(f"{n} ({w[1]})" for n, w in bad[:5])
            raise UnsafeArchiveError(
                f"{src.name}：压缩包含有不安全的路径，已拒绝：{listing_zh}。请只打包图层文件本身（不含文件夹跳转）。",
                f"{src.name}: the archive has unsafe member paths and was refused: {listing}. "
                f"Zip the layer files themselves, without '..' or absolute paths."
            )
        declared = sum(i.file_size for i in infos)
        ratio_bad = [i for i in infos if i.file_size > 1_000_000 and i.file_size > max_ratio * max(i.compress_size, 1)]
        if declared > max_total_bytes or ratio_bad:
            raise UnsafeArchiveError(
                f"{src.name}：解压后过大（{declared / 1e6:.0f} MB，上限 {max_total_bytes / 1e6:.0f} MB）或压缩比异常，疑似压缩炸弹，已拒绝。",
                f"{src.name}: unpacks to {declared / 1e6:.0f} MB (limit {max_total_bytes / 1e6:.0f} MB) or has an abnormal "
                f"compression ratio (a zip bomb?); refused."
            )
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        written: list[Path] = []
        total = 0
        for info in infos:
            target = (dest / info.filename.replace("\\", "/")).resolve()
            if root not in target.parents and target != root:
                raise UnsafeArchiveError(f"{src.name}：成员 {info.filename} 会写到目标文件夹之外，已拒绝。",
                                         f"{src.name}: member {info.filename} would be written outside {dest}; refused.")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as fin, open(target, "wb") as fout:
                while block := fin.read(1 << 20):
                    total += len(block)
                    if total > max_total_bytes:
                        raise UnsafeArchiveError(
                            f"{src.name}：解压超过 {max_total_bytes / 1e6:.0f} MB 上限，已停止（疑似压缩炸弹）。",
                            f"{src.name}: unpacking went past the {max_total_bytes / 1e6:.0f} MB limit and was stopped (zip bomb?)."
                        )
                    fout.write(block)
            written.append(target)
    return written
