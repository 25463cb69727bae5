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
    # errors of the scenario store (geo.scenario_store)
    "store_geometry_damaged": ("场景库中的几何数据已损坏。",
                               "A geometry in the scenario store is damaged (not GeoPackage binary)."),
    "store_newer_schema": ("场景库 {location} 由更新版本的 ServiceCircle 创建（结构版本 {version}，本版本读取 {supported}），请升级软件。",
                           "The scenario store {location} was written by a newer ServiceCircle "
                           "(schema version {version}, this one reads {supported}); upgrade ServiceCircle."),
    "store_name_empty": ("方案名称不能为空。", "Give the scenario a name."),
    "store_name_exists": ("已有名为“{name}”的方案；换一个名称，或使用 --replace 覆盖。",
                          "A scenario named '{name}' already exists; choose another name or use --replace."),
    "store_no_such_scenario": ("{location} 中没有名为“{name}”的方案（用 scenario list 查看）。",
                               "No scenario named '{name}' in {location} (see `scenario list`)."),
    "store_is_folder": ("场景库路径是一个文件夹：{path}。", "The scenario store path {path} is a folder; give a .gpkg file."),
    "store_not_gpkg": ("{path} 不是 GeoPackage 场景库。",
                       "{path} is not a GeoPackage scenario store (not an SQLite file); give a new or existing .gpkg path."),
    "store_cannot_open": ("无法打开场景库 {path}：{err}。", "Cannot open the scenario store {path}: {err}."),
    "store_no_psycopg": ("未安装 psycopg，无法连接 PostGIS。",
                         "psycopg is not installed: reinstall ServiceCircle (`make setup`) to use a postgresql:// store."),
    "store_cannot_connect": ("无法连接场景库数据库 {url}：{err}。",
                             "Cannot connect to the scenario store {url}: {err}. Check the address, user and that the server runs."),
    "store_name_taken_meanwhile": ("另一个用户刚刚保存了名为“{name}”的方案；请换一个名称。",
                                   "Another user has just saved a scenario named '{name}'; choose another name."),
    "store_cannot_set_up": ("无法在 {location} 建立场景库（需要 PostGIS 扩展）：{err}。",
                            "Cannot set up the scenario store in {location} (PostGIS is needed): {err}."),
}
