"""Bilingual (zh/en) message tables of the readers: refused file types and datum names."""

from __future__ import annotations



_REFUSED_EXT = {
    ".xls": ("旧版 Excel（.xls）无法读取，请在 Excel/WPS 中另存为 .xlsx", "old Excel .xls files are not read; save it as .xlsx in Excel/WPS"),
    ".et": ("WPS 表格（.et）无法读取，请另存为 .xlsx", "WPS .et files are not read; save it as .xlsx"),
    ".dwg": ("CAD 图纸无法直接读取，请由 GIS/CAD 导出为 shapefile（zip）或 GeoJSON", "CAD drawings are not read; export them to a zipped shapefile or GeoJSON"),
    ".dxf": ("CAD 图纸无法直接读取，请导出为 shapefile（zip）或 GeoJSON", "CAD drawings are not read; export them to a zipped shapefile or GeoJSON"),
    ".dbf": ("只有 .dbf 属性表，缺少几何；请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip", "a .dbf alone has no geometry; zip the .shp, .shx, .dbf, .prj and .cpg together"),
    ".shx": ("请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip 上传", "zip the .shp, .shx, .dbf, .prj and .cpg together"),
    ".pbf": ("这是 OpenStreetMap 路网文件，请用 --osm 指定，而不是作为图层导入", "this is an OpenStreetMap street file; pass it with --osm, not as a layer"),
    ".osm": ("这是 OpenStreetMap 路网文件，请用 --osm 指定，而不是作为图层导入", "this is an OpenStreetMap street file; pass it with --osm, not as a layer"),
}
_DATUM_WORDS = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs 84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
    "cgcs2000": "wgs84", "epsg:4490": "wgs84", "4490": "wgs84", "天地图": "wgs84",
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "火星坐标": "gcj02", "高德": "gcj02", "腾讯": "gcj02", "国测局": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09", "百度": "bd09", "baidu": "bd09",
    "amap": "gcj02", "tencent": "gcj02",
}
_DATUM_ZH = {"wgs84": "WGS-84", "gcj02": "GCJ-02（高德/腾讯）", "bd09": "BD-09（百度）"}
_DATUM_EN = {"wgs84": "WGS-84", "gcj02": "GCJ-02 (Amap/Tencent)", "bd09": "BD-09 (Baidu)"}
