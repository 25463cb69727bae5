"""Fill-in templates for planners: one CSV and one XLSX per layer type, Chinese headers,
one example row, written from :data:`geo.schemas.LAYER_SCHEMAS`.

Regenerate with ``python -m geo.templates`` (writes ``data/templates/``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.safe_io import atomic_write_bytes, atomic_write_path
from geo.schemas import LAYER_SCHEMAS, LayerSchema

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "data" / "templates"
_KIND_ZH = {"str": "文本", "int": "整数", "float": "数值", "bool": "是/否", "list": "列表（用顿号分隔）", "enum": "可选值"}


def template_rows(schema: LayerSchema) -> tuple[list[str], list[object]]:
    """Header (Chinese) and example row for a layer type; coordinates as 经度/纬度 for point
    layers, a WKT column for polygon layers."""
    header = [f.header_zh for f in schema.fields if f.name != "functions" and f.name != "amenities"]
    example = [f.example for f in schema.fields if f.name != "functions" and f.name != "amenities"]
    if schema.example_lonlat is not None:
        header += ["经度", "纬度"]
        example += list(schema.example_lonlat)
    else:
        header.append("几何(WKT)")
        example.append(schema.example_wkt)
    return header, example


def template_csv_text(schema: LayerSchema) -> str:
    """CSV text (without BOM) of the template."""
    header, example = template_rows(schema)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerow(example)
    return buf.getvalue()


def _field_doc_rows(schema: LayerSchema) -> list[list[str]]:
    rows = [["表头", "英文字段", "类型", "单位", "必填", "也可写作", "说明"]]
    for f in schema.fields:
        choices = "；可选：" + "、".join(v[0] for v in f.choices.values()) if f.choices else ""
        rows.append([f.header_zh, f.name, _KIND_ZH[f.kind] + choices, f.unit, "是" if f.required else "",
                     "、".join(a for a in f.aliases), f.doc_en])
    coord_note = "经度、纬度：WGS-84 十进制度；高德/百度坐标请在导入时选择 gcj02/bd09" if schema.example_lonlat else "几何(WKT)：WGS-84 经纬度的 POLYGON/MULTIPOLYGON"
    rows.append([coord_note, "", "", "", "是", "", ""])
    return rows


def write_templates(dest: str | Path = TEMPLATE_DIR) -> list[Path]:
    """Write ``<type>.csv`` (UTF-8 with BOM, opens correctly in Excel) and ``<type>.xlsx``."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    dest = Path(dest)
    written: list[Path] = []
    for key, schema in LAYER_SCHEMAS.items():
        csv_path = dest / f"{key}.csv"
        atomic_write_bytes(csv_path, b"\xef\xbb\xbf" + template_csv_text(schema).encode("utf-8"))
        written.append(csv_path)
        header, example = template_rows(schema)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = schema.zh
        ws.append(header)
        ws.append(example)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FDE9D9")
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = max(10, 2 * len(str(col[0].value)) + 2)
        doc = wb.create_sheet("字段说明")
        for r in _field_doc_rows(schema):
            doc.append(r)
        xlsx_path = dest / f"{key}.xlsx"
        with atomic_write_path(xlsx_path) as tmp:
            wb.save(tmp)
        written.append(xlsx_path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write_templates():
        print(p)
