"""The app in a real browser, offline: headless Chromium (Debian /usr/bin/chromium) via Playwright.

Starts ``streamlit run app.py`` on 127.0.0.1, blocks and records every request that would leave
the machine (a closed government network), waits for the Leaflet map, checks the isochrone layer
and the headline figures, clicks on the map to add a service center, switches to English and saves
screenshots under tests/output/ (gitignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import geopandas as gpd
import pytest

from analysis.params import WalkParams
from analysis.study import load_study, run_study
from ui import fmt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "output"
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "streamlit_server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 40
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            assert proc.poll() is None, (OUT / "streamlit_server.log").read_text()
            assert time.time() < deadline, "streamlit did not start in 40 s"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _expected():
    """The CLI's default run (load_study + run_study: service centers), as the app's default."""
    return run_study(load_study(), WalkParams())


#: true once exactly one map component is on the page and none is stale (a rerun has ended)
ONE_MAP_LEFT = """() => {
  const maps = document.querySelectorAll("iframe[title*='st_folium']");
  const stale = document.querySelectorAll("[data-stale='true'] iframe[title*='st_folium']");
  return maps.length === 1 && stale.length === 0;
}"""
JS_ISOCHRONES_DRAWN = """() => {
  if (!window.map) return 0;
  let n = 0;
  window.map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.minutes !== undefined
        && l._parts && l._parts.length > 0) n += 1;
  });
  return n;
}"""


def test_app_in_headless_chromium_offline(server):
    from playwright.sync_api import sync_playwright

    base = _expected()
    share = fmt.pct(base.summary.covered_share)
    gap = gpd.GeoSeries([base.gaps.geometry.iloc[0].representative_point()], crs=base.crs).to_crs(4326)
    gap_lat, gap_lng = float(gap.y.iloc[0]), float(gap.x.iloc[0])

    requests: list[str] = []
    blocked: list[str] = []

    def on_route(route):
        u = route.request.url
        if u.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:  # a closed network: nothing outside the machine answers
            blocked.append(u)
            route.abort()

    t_start = time.time()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        ctx = browser.new_context(viewport={"width": 1500, "height": 1150}, locale="zh-CN")
        ctx.route("**/*", on_route)
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.set_default_timeout(30_000)

        page.goto(server)
        frame_el = page.locator("iframe[title*='st_folium']")
        frame_el.wait_for(state="visible")
        frame = page.frame_locator("iframe[title*='st_folium']")
        frame.locator(".leaflet-container").wait_for(state="visible")
        map_frame = next(f for f in page.frames if "st_folium" in f.url)
        map_frame.wait_for_function(JS_ISOCHRONES_DRAWN)
        first_page_s = time.time() - t_start

        # the Leaflet map, its vector layers, the attribution and the sample-data badge are visible
        assert frame.locator(".leaflet-control-attribution").inner_text().find("OpenStreetMap contributors") >= 0
        assert frame.locator(".sc-demo-badge").is_visible()
        assert map_frame.evaluate(JS_ISOCHRONES_DRAWN) > 0
        assert frame.locator(".sc-site").count() >= len(base.centers)  # every center/station icon
        # headline figures = the engine's
        metric = page.locator("[data-testid='stMetricValue']").first
        page.get_by_text("8 分钟内可达居民占比").wait_for()
        assert metric.inner_text().strip() == share
        page.screenshot(path=str(OUT / "browser_coverage_zh.png"), full_page=False)

        # a service center's popup: Chinese fields, wide enough to read
        frame.locator(".sc-site").first.click()
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        text = popup.inner_text()
        assert "类型" in text and "开放时间" in text and "服务居民（估算）" in text
        assert popup.bounding_box()["width"] >= 200
        frame.locator(".leaflet-popup-close-button").click()

        # what-if: add a service center by clicking on the map inside the largest gap
        page.get_by_text("新增服务中心").click()
        page.wait_for_timeout(1200)  # the rerun after the mode change
        box = frame_el.bounding_box()
        pt = map_frame.evaluate("([lat, lng]) => window.map.latLngToContainerPoint([lat, lng])", [gap_lat, gap_lng])
        if not (0 < pt["x"] < box["width"] and 0 < pt["y"] < box["height"]):  # make sure the spot is in view
            map_frame.evaluate("([lat, lng]) => window.map.setView([lat, lng], 15)", [gap_lat, gap_lng])
            page.wait_for_timeout(500)
            pt = map_frame.evaluate("([lat, lng]) => window.map.latLngToContainerPoint([lat, lng])", [gap_lat, gap_lng])
        t_click = time.time()
        page.mouse.click(box["x"] + pt["x"], box["y"] + pt["y"])
        page.wait_for_function(
            "(old) => { const e = document.querySelector(\"[data-testid='stMetricValue']\"); return e && e.innerText.trim() !== old; }",
            arg=share,
        )
        whatif_s = time.time() - t_click
        new_share = metric.inner_text().strip()
        assert float(new_share.rstrip("%")) > float(share.rstrip("%"))
        page.get_by_text("推演计算用时").wait_for()  # the proposal list with its timing
        page.wait_for_function(ONE_MAP_LEFT)  # the map with the new site has replaced the stale one
        assert page.locator("[data-testid='stMetricDelta']").first.inner_text().strip().startswith("+")
        frame.locator(".sc-proposed").first.wait_for(state="visible")
        page.mouse.move(5, 5)  # no tooltip over the screenshot
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "browser_whatif_zh.png"), full_page=False)

        # English
        page.get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="Coverage", exact=True).wait_for()
        page.get_by_text("Residents within 8 min").wait_for()
        # the language changes the map, so Streamlit shows the new map while the old one is still on
        # the page, marked stale, until the rerun ends: wait for that end (one map left)
        page.wait_for_function(ONE_MAP_LEFT)
        frame.locator(".leaflet-container").wait_for(state="visible")
        map_frame = next(f for f in page.frames if "st_folium" in f.url)
        map_frame.wait_for_function(JS_ISOCHRONES_DRAWN)
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "browser_english.png"), full_page=True)
        browser.close()

    (OUT / "browser_timings.txt").write_text(
        f"first page ready (map + isochrones drawn): {first_page_s:.1f} s\n"
        f"what-if (click -> figures changed, incl. 250 ms component debounce): {whatif_s:.2f} s\n"
    )
    outside = [u for u in requests if not u.startswith(LOCAL_PREFIXES)]
    assert not blocked and not outside, f"requests left 127.0.0.1: {sorted(set(blocked + outside))[:10]}"
    assert any("/app/static/vendor/leaflet-1.9.4/leaflet.js" in u for u in requests)
    # the measured times go to tests/output/browser_timings.txt (figures, not asserted: load varies)
