"""Strings of the scenarios (方案) panel: save, open, compare proposed sites.

Keys are ``scenario.<name>`` in :mod:`geo.messages`; values are (Chinese, English).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "title": ("方案（保存、打开、比较）", "Scenarios (save, open, compare)"),
    "store": ("方案库：{loc}（设置环境变量 SERVICECIRCLE_STORE 可改为其他 GeoPackage 文件或 PostGIS 数据库）",
              "Scenario store: {loc} (set SERVICECIRCLE_STORE to use another GeoPackage file or a PostGIS database)"),
    "name": ("方案名称", "Scenario name"),
    "notes": ("备注", "Notes"),
    "save": ("保存当前拟建点位为方案", "Save the proposed sites as a scenario"),
    "replace": ("覆盖同名方案", "Overwrite a scenario of the same name"),
    "need_sites": ("先在地图上添加拟建点位，再保存方案。", "Add proposed sites on the map first, then save."),
    "need_name": ("请填写方案名称。", "Give the scenario a name."),
    "saved": ("已保存方案“{name}”（{n} 个拟建点位）。", "Saved scenario '{name}' ({n} proposed sites)."),
    "none": ("方案库中还没有方案。", "No scenarios saved yet."),
    "pick": ("选择方案", "Choose a scenario"),
    "open": ("打开（载入拟建点位）", "Open (load its sites)"),
    "delete": ("删除", "Delete"),
    "opened": ("已打开方案“{name}”：{n} 个拟建点位。", "Opened scenario '{name}': {n} proposed sites."),
    "resnapped": ("路网文件已变化，点位已重新吸附到街道。", "The street network changed: the sites were snapped again."),
    "other_params": ("该方案保存时为 {m:g} 分钟、{v:g} km/h，当前设置不同，数字会按当前设置重算。",
                     "This scenario was saved at {m:g} min and {v:g} km/h; figures are recomputed with the current settings."),
    "deleted": ("已删除方案“{name}”。", "Deleted scenario '{name}'."),
    "compare": ("比较方案（选两个或以上）", "Compare scenarios (choose two or more)"),
    "by_community": ("各社区覆盖率（%）与变化（百分点）", "Per community: covered % and change (percentage points)"),
    "col_name": ("方案", "Scenario"), "col_saved": ("保存时间(UTC)", "Saved (UTC)"),
    "col_sites": ("拟建点位", "Added sites"), "col_share": ("覆盖率(%)", "Covered (%)"),
    "col_before": ("原覆盖率(%)", "Before (%)"), "col_change": ("变化(百分点)", "Change (pp)"),
    "col_uncovered": ("未覆盖居民", "Uncovered residents"), "col_gain": ("新增覆盖居民", "Residents gained"),
    "col_notes": ("备注", "Notes"),
}
