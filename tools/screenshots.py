"""Screenshots of each role's main pages at a desk (1366 px) and on a phone (390 px), in both
languages, taken from a fresh `stiplan demo` served on loopback: what a reviewer of the officials'
daily path (issue 11) looks at before and after a change.

    .venv/bin/python tools/screenshots.py OUT_DIR [--port 8177]

Writes OUT_DIR/<role>-<page>-<width>-<language>.png and OUT_DIR/index.txt (file, address, page
title). Uses Debian's chromium through Playwright, as the browser tests do.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "stiplan-demo"
WIDTHS = {"desk": (1366, 900), "phone": (390, 844)}
#: The main pages of each role (the visitor signs in as nobody). Paths that depend on the demo's
#: ids are found by following the first link that matches on the page before.
PAGES = {
    "public": ["/", "/plans/vinh-long-1925-2023/", "/indicators/", "/index/", "/registry/tasks/",
               "/search/?q=lua", ("/registry/offers/", r"/registry/offers/\d+/$"),
               ("/registry/offers/", r"/registry/offers/\d+/$", r"/registry/offers/\d+/contact/$")],
    "kehoach": ["/", "/plans/vinh-long-1925-2023/", "/reporting/", "/documents/",
                "/registry/tasks/", "/registry/messages/", "/registry/files/"],
    "thamdinh": ["/", "/reporting/", ("/reporting/", r"/reporting/rounds/\d+/$")],
    "baocao.stc": ["/", ("/", r"/reporting/reports/\d+/$")],
    "lanhdao": ["/", "/indicators/"],
    "quantri": ["/", "/units/"],
}
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]


def serve(var: Path, port: int) -> subprocess.Popen:
    """`stiplan demo` on a data folder of its own, once it answers."""
    env = {**os.environ, "STIPLAN_VAR_DIR": str(var), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "stiplan", "demo", "--port", str(port)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("stiplan demo stopped before serving") from None
            time.sleep(1)
    server.terminate()
    raise SystemExit("stiplan demo did not answer in 10 minutes")


def resolve(page, base: str, path) -> str | None:
    """A fixed path, or the first link on `path[0]` whose address matches `path[1]` (and on that
    page, the first matching `path[2]`, and so on)."""
    if isinstance(path, str):
        return path
    found, *patterns = path
    for pattern in patterns:
        page.goto(base + found)
        found = next((href for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))")
            if re.search(pattern, href.split("?")[0])), None)
        if found is None:
            return None
    return found


def shoot(base: str, out: Path) -> list[str]:
    lines = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for role, paths in PAGES.items():
            context = browser.new_context()
            page = context.new_page()
            if role != "public":
                page.goto(f"{base}/accounts/login/")
                page.fill("input[name=username]", role)
                page.fill("input[name=password]", PASSWORD)
                page.locator("form [type=submit]").first.click()
                page.wait_for_load_state()
            for n, path in enumerate(paths):
                address = resolve(page, base, path)
                if address is None:
                    lines.append(f"{role} page {n}: no link matching {path}")
                    continue
                for language in ("vi", "en"):
                    context.add_cookies([{"name": "django_language", "value": language,
                                          "url": base}])
                    for width_name, (width, height) in WIDTHS.items():
                        page.set_viewport_size({"width": width, "height": height})
                        page.goto(base + address)
                        name = f"{role}-{n}-{width_name}-{language}.png"
                        page.screenshot(path=str(out / name), full_page=True)
                        lines.append(f"{name}\t{address}\t{page.title()}")
            context.close()
        browser.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--port", type=int, default=8177)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stiplan-shots-") as var:
        server = serve(Path(var), args.port)
        try:
            lines = shoot(f"http://127.0.0.1:{args.port}", args.out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    (args.out / "index.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
