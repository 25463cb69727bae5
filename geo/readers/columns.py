"""Column mapping: the file's headers (Chinese/English aliases) onto the schema's canonical names."""

from __future__ import annotations

import pandas as pd

from geo.messages import pair
from geo.schemas import LayerSchema, header_lookup, match_header
from geo.validation import LayerReport


def _map_columns(df: pd.DataFrame, schema: LayerSchema, report: LayerReport) -> pd.DataFrame:
    lookup = header_lookup(schema)
    rename: dict[str, str] = {}
    taken: dict[str, str] = {}
    for col in df.columns:
        canon = match_header(col, lookup)
        if canon is None:
            continue
        if canon in taken:
            report.add(None, canon, *pair("reader.column_means_same_used", col=col, taken=taken[canon]), "warning")
            continue
        taken[canon] = str(col)
        rename[col] = canon
    # extra columns whose names clash with canonical ones are renamed out of the way
    clash = {c: f"{c}_orig" for c in df.columns if c in taken and rename.get(c) != c and c not in rename}
    out = df.rename(columns=clash).rename(columns=rename)
    return out
