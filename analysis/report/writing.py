"""Atomic file writing for reports: every file appears whole or not at all."""

from __future__ import annotations

from geo.safe_io import atomic_write_bytes, atomic_write_path as atomic_path

__all__ = ["atomic_path", "atomic_write_bytes"]
