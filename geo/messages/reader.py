"""Messages of reading planners' files (geo.readers, geo.validation, geo.layer_errors).

Keys are ``reader.<name>`` in :mod:`geo.messages`; values are (Chinese, English).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # refused file types: {name} is the file name
    "refused_xls": ("{name}：旧版 Excel（.xls）无法读取，请在 Excel/WPS 中另存为 .xlsx。",
                    "{name}: old Excel .xls files are not read; save it as .xlsx in Excel/WPS."),
    "refused_et": ("{name}：WPS 表格（.et）无法读取，请另存为 .xlsx。", "{name}: WPS .et files are not read; save it as .xlsx."),
    "refused_dwg": ("{name}：CAD 图纸无法直接读取，请由 GIS/CAD 导出为 shapefile（zip）或 GeoJSON。",
                    "{name}: CAD drawings are not read; export them to a zipped shapefile or GeoJSON."),
    "refused_dxf": ("{name}：CAD 图纸无法直接读取，请导出为 shapefile（zip）或 GeoJSON。",
                    "{name}: CAD drawings are not read; export them to a zipped shapefile or GeoJSON."),
    "refused_dbf": ("{name}：只有 .dbf 属性表，缺少几何；请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip。",
                    "{name}: a .dbf alone has no geometry; zip the .shp, .shx, .dbf, .prj and .cpg together."),
    "refused_shx": ("{name}：请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip 上传。",
                    "{name}: zip the .shp, .shx, .dbf, .prj and .cpg together."),
    "refused_osm_file": ("{name}：这是 OpenStreetMap 路网文件，请用 --osm 指定，而不是作为图层导入。",
                         "{name}: this is an OpenStreetMap street file; pass it with --osm, not as a layer."),
    # datum names
    "datum_wgs84": ("WGS-84", "WGS-84"),
    "datum_gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)"),
    "datum_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
}
