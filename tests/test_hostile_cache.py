"""The on-disk cache cannot run code: planted pickles, foreign files and forged manifests are
ignored, the cache is rebuilt, and the CLI gives the same answer as with a clean cache."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from geo import disk_cache
from geo.network import load_walk_network
from geo.osm_features import load_osm_features
from geo.worker_pois import load_transport_points
from tests.conftest import ROOT, SAMPLE_PBF


class _Payload:
    """Unpickling this creates ``marker``: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _evil(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


def test_the_payload_really_runs_code_when_unpickled(tmp_path):
    marker = tmp_path / "proof"
    pickle.loads(_evil(marker))
    assert marker.exists()  # so the tests below would notice an unpickle


@pytest.fixture(scope="module")
def clean_cache(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clean_cache")
    load_walk_network(SAMPLE_PBF, cache_dir=root)
    load_osm_features(SAMPLE_PBF, cache_dir=root)
    load_transport_points(SAMPLE_PBF, cache_dir=root)
    return root


def _cli(args: list[str], cache: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SERVICECIRCLE_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def _plant(cache: Path, marker: Path) -> list[Path]:
    """Replace every cache file by a malicious pickle, add legacy ``.pkl`` names and a forged
    manifest whose SHA-256 matches a pickle; returns the planted files."""
    evil = _evil(marker)
    planted = []
    for f in sorted(p for p in cache.rglob("*") if p.is_file()):
        f.write_bytes(evil)
        planted.append(f)
    for kind_dir in (cache / "networks", cache / "features", cache / "transport"):
        for entry in [d for d in kind_dir.iterdir() if d.is_dir()]:
            legacy = kind_dir / f"{entry.name}.pkl"  # the old layout's file names
            legacy.write_bytes(evil)
            planted.append(legacy)
            # a manifest that points at the pickle with the right hash: passes the hash check,
            # must still be refused by np.load(allow_pickle=False)
            man = {"format": disk_cache.FORMAT_NAME, "version": disk_cache.FORMAT_VERSION, "kind": kind_dir.name,
                   "key": entry.name, "data": "data-evil.npz", "sha256": hashlib.sha256(evil).hexdigest(), "meta": {}}
            (entry / "data-evil.npz").write_bytes(evil)
            (entry / "manifest.json").write_text(json.dumps(man))
            planted += [entry / "data-evil.npz"]
    return planted


def test_planted_pickles_never_run_and_the_cli_answer_is_unchanged(clean_cache, tmp_path):
    import shutil

    reference = _cli(["coverage", "--out", str(tmp_path / "ref.gpkg"), "--lang", "en"], clean_cache, tmp_path)
    assert reference.returncode == 0, reference.stderr
    hostile = tmp_path / "hostile_cache"
    shutil.copytree(clean_cache, hostile)
    marker = tmp_path / "PWNED"
    planted = _plant(hostile, marker)
    assert len(planted) >= 6
    run = _cli(["coverage", "--out", str(tmp_path / "out.gpkg"), "--lang", "en"], hostile, tmp_path)
    assert run.returncode == 0, run.stderr
    assert not marker.exists(), "a planted pickle was executed"
    assert run.stdout.splitlines()[:-1] == reference.stdout.splitlines()[:-1]  # same summary (paths differ)
    # the cache was rebuilt as data only and is used again (still nothing executed)
    manifests = [*hostile.glob("networks/*/manifest.json"), *hostile.glob("features/*/manifest.json")]
    assert len(manifests) == 2 and all(json.loads(m.read_text())["data"] != "data-evil.npz" for m in manifests)
    again = _cli(["coverage", "--out", str(tmp_path / "again.gpkg"), "--lang", "en"], hostile, tmp_path)
    assert again.returncode == 0 and not marker.exists()
    assert again.stdout.splitlines()[:-1] == reference.stdout.splitlines()[:-1]


def _entry(cache: Path, kind: str) -> Path:
    (entry,) = [d for d in (cache / kind).iterdir() if d.is_dir()]
    return entry


def _copy(clean_cache: Path, tmp_path: Path) -> Path:
    import shutil

    dst = tmp_path / "cache"
    shutil.copytree(clean_cache, dst)
    return dst


def _npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _forge(entry: Path, data: bytes, **manifest_changes) -> None:
    man = json.loads((entry / "manifest.json").read_text())
    (entry / man["data"]).write_bytes(data)
    man["sha256"] = hashlib.sha256(data).hexdigest()
    man.update(manifest_changes)
    (entry / "manifest.json").write_text(json.dumps(man))


def _object_npz(marker: Path) -> bytes:
    arr = np.empty(1, dtype=object)
    arr[0] = _Payload(marker)
    return _npz_bytes(node_x=arr)


CASES = {
    "npz_with_pickled_object_array": lambda e, m: _forge(e, _object_npz(m)),
    "manifest_is_a_pickle": lambda e, m: (e / "manifest.json").write_bytes(_evil(m)),
    "manifest_wrong_hash": lambda e, m: (e / "manifest.json").write_text(
        json.dumps({**json.loads((e / "manifest.json").read_text()), "sha256": "0" * 64})),
    "manifest_wrong_version": lambda e, m: (e / "manifest.json").write_text(
        json.dumps({**json.loads((e / "manifest.json").read_text()), "version": 999})),
    "manifest_wrong_key": lambda e, m: (e / "manifest.json").write_text(
        json.dumps({**json.loads((e / "manifest.json").read_text()), "key": "other"})),
    "manifest_points_outside_the_entry": lambda e, m: (e / "manifest.json").write_text(
        json.dumps({**json.loads((e / "manifest.json").read_text()), "data": "../../evil.npz"})),
    "manifest_missing": lambda e, m: (e / "manifest.json").unlink(),
    "data_missing": lambda e, m: [p.unlink() for p in e.glob("*.npz")],
    "data_truncated": lambda e, m: [p.write_bytes(p.read_bytes()[:1000]) for p in e.glob("*.npz")],
    "manifest_not_json": lambda e, m: (e / "manifest.json").write_text("{not json"),
    "npz_with_wrong_arrays_but_right_hash": lambda e, m: _forge(e, _npz_bytes(x=np.arange(3))),
    "npz_with_bad_offsets": lambda e, m: _forge(e, _npz_bytes(**{
        **dict(np.load(next(e.glob("*.npz")), allow_pickle=False)),
        "_text.offsets": np.array([0, 10**12], dtype=np.int64)})),
}


def _load_from_cache(kind: str, cache: Path, key: str):
    """What the loader would take from the cache (None = ignored and rebuilt)."""
    import geo.network as network_mod
    import geo.osm_features as features_mod

    if kind == "transport":
        return disk_cache.read_cached_frame(kind, key, cache)
    mod = network_mod if kind == "networks" else features_mod
    return mod._from_cache(disk_cache.read_entry(kind, key, cache), _DIGEST)


_DIGEST = "5958ffe8bec56324f9b119dedfd976c609ee7e483e0e5db68236af0c3839a67e"  # sha256 of the sample .osm.pbf


@pytest.mark.parametrize("kind", ["networks", "features", "transport"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_damaged_or_forged_entries_are_ignored_without_running_code(clean_cache, tmp_path, kind, case):
    cache = _copy(clean_cache, tmp_path)
    key = _entry(cache, kind).name
    assert _load_from_cache(kind, cache, key) is not None  # the clean entry is used
    marker = tmp_path / "PWNED"
    CASES[case](_entry(cache, kind), marker)
    assert _load_from_cache(kind, cache, key) is None  # ignored: the caller rebuilds it
    assert not marker.exists()


def test_a_forged_entry_is_rebuilt_and_then_used(clean_cache, tmp_path):
    cache = _copy(clean_cache, tmp_path)
    entry = _entry(cache, "features")
    marker = tmp_path / "PWNED"
    CASES["npz_with_pickled_object_array"](entry, marker)
    feats = load_osm_features(SAMPLE_PBF, cache_dir=cache)
    assert len(feats.buildings) == len(load_osm_features(SAMPLE_PBF, cache_dir=clean_cache).buildings)
    assert _load_from_cache("features", cache, entry.name) is not None and not marker.exists()
    assert [p.name for p in entry.glob("*.npz")] == [json.loads((entry / "manifest.json").read_text())["data"]]


def test_writer_refuses_object_arrays(tmp_path):
    with pytest.raises(TypeError):
        disk_cache.write_entry("x", "k", {"a": np.array([object()], dtype=object)}, {}, tmp_path)


@pytest.mark.parametrize("make", ["file", "readonly"])
def test_unusable_cache_folder_warns_and_runs_without_cache(tmp_path, make, capsys):
    root = tmp_path / "cache"
    if make == "file":
        root.write_text("I am a file")
    else:
        if os.geteuid() == 0:
            pytest.skip("root can write into read-only folders")
        root.mkdir()
        root.chmod(0o500)
    reason = disk_cache.cache_problem(root)
    assert reason is not None
    disk_cache._warned.discard(str(root))
    assert disk_cache.write_entry("networks", "k", {"a": np.arange(3)}, {}, root) is False
    err = capsys.readouterr().err
    assert "不使用缓存" in err and "without the cache" in err
