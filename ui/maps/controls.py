"""The map's own Leaflet controls (two small JavaScript templates, no external scripts): the
one-time setup (attribution, marker images, demo badge), an HTML control, the legend and the
layer switcher."""

from __future__ import annotations

import html
from typing import Iterable

import folium
from branca.element import MacroElement
from jinja2 import Template

from ui.fmt import number
from ui.i18n import t
from ui.maps.popups import site_icon_svg
from ui.maps.style import GAP_COLOUR, SHARE_BINS, SHARE_COLOURS, iso_colour

class MapSetup(MacroElement):
    """Runs once after the map exists: attribution, marker image path, demo badge, click cursor."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
        {%- if this.badge %}
        (function(){
          var badge = L.control({position: 'topright'});
          badge.onAdd = function() {
            var d = L.DomUtil.create('div', 'sc-demo-badge');
            d.innerHTML = {{ this.badge|tojson }};
            d.style.cssText = 'background:#fff3e0;border:1px solid #ef6c00;color:#e65100;padding:3px 8px;' +
              'border-radius:4px;font:bold 13px/1.4 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;';
            return d;
          };
          badge.addTo({{ this._parent.get_name() }});
        })();
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str, attribution: str, badge: str | None):
        super().__init__()
        self._name = "MapSetup"
        self.image_path = image_path
        self.attribution = attribution
        self.badge = badge


class HtmlControl(MacroElement):
    """A Leaflet control holding fixed HTML (legends). No external scripts."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var c = L.control({position: {{ this.position|tojson }}});
          c.onAdd = function() {
            var d = L.DomUtil.create('div', {{ this.css_class|tojson }});
            d.innerHTML = {{ this.html|tojson }};
            d.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;' +
              'box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;';
            L.DomEvent.disableClickPropagation(d);
            return d;
          };
          c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str = "bottomright", css_class: str = "sc-legend"):
        super().__init__()
        self._name = "HtmlControl"
        self.html = html_text
        self.position = position
        self.css_class = css_class


def legend_html(thresholds: Iterable[float], lang: str = "zh", *, grids: bool = True, gaps: bool = True,
                circles: bool = True, proposals: bool = False) -> str:
    """Small HTML legend (no external scripts)."""
    parts = [f"<b>{html.escape(t('legend_iso', lang))}</b><br>"]
    for mins in sorted(set(float(x) for x in thresholds)):
        c = iso_colour(mins)
        parts.append(f'<span style="display:inline-block;width:14px;height:10px;background:{c};opacity:.6;'
                     f'border:1px solid {c};margin-right:4px"></span>{html.escape(t("minutes_short", lang, m=number(mins)))}<br>')
    if grids:
        parts.append(f"<b>{html.escape(t('legend_share', lang))}</b><br>")
        for i, c in enumerate(SHARE_COLOURS):
            lo, hi = int(SHARE_BINS[i] * 100), int(SHARE_BINS[i + 1] * 100)
            parts.append(f'<span style="display:inline-block;width:14px;height:10px;background:{c};'
                         f'margin-right:4px;border:1px solid #999"></span>{lo}–{hi}%<br>')
    if gaps:
        parts.append(f'<span style="display:inline-block;width:14px;height:10px;background:{GAP_COLOUR};'
                     f'opacity:.6;margin-right:4px"></span>{html.escape(t("legend_gap", lang))}<br>')
    if circles:
        parts.append('<span style="display:inline-block;width:14px;height:0;border-top:2px dashed #5e35b1;'
                     f'margin:0 4px 3px 0"></span>{html.escape(t("legend_circle", lang))}<br>')
    parts.append(f'{site_icon_svg("center").replace("22", "14", 2)} {html.escape(t("legend_center", lang))}<br>')
    parts.append(f'{site_icon_svg("station").replace("22", "14", 2)} {html.escape(t("common.red_station", lang))}<br>')
    parts.append(f'{site_icon_svg("center", True).replace("22", "14", 2)} {html.escape(t("legend_demo", lang))}')
    if proposals:
        parts.append(f'<br>{site_icon_svg("station", proposed=True).replace("22", "14", 2)} '
                     f'{html.escape(t("legend_proposal", lang))}')
    return "".join(parts)


def add_legend(m, thresholds: Iterable[float], lang: str = "zh", **kw) -> HtmlControl:
    """The legend (isochrone minutes, grid shares, gaps, circles, site symbols) at the bottom right."""
    c = HtmlControl(legend_html(thresholds, lang, **kw), position="bottomright")
    m.add_child(c)
    return c


def add_layer_control(m: folium.Map) -> folium.LayerControl:
    """The layer switcher; add it last, after every group it lists."""
    lc = folium.LayerControl(collapsed=True, position="topright")
    lc.add_to(m)
    return lc
