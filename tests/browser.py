"""Open a page in headless Chromium over the DevTools protocol: console errors, DOM, screenshot.

Chromium runs without sandbox (CI runs as root), without GPU and without any background
networking, with a throwaway profile; the page is a file:// URL.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WIDTH = 1300  # the width the datasheet is checked and screenshotted at
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-port=0",
    f"--window-size={WIDTH},1000",
    "--hide-scrollbars",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageResult:
    errors: list[str] = field(default_factory=list)
    value: Any = None


class Browser:
    def __init__(self, executable: str) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="manpower-chromium-")
        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ws: Any = None
        self.events: list[dict[str, Any]] = []
        self._id = 0
        try:
            self._connect()
        except BaseException:
            self.close()
            raise

    def _connect(self) -> None:
        import websocket

        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools server")
            time.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )

    def send(self, method: str, events: list[dict[str, Any]] | None = None, **params: Any) -> Any:
        """Call a DevTools method; events that arrive meanwhile go to ``events``."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if events is not None and "method" in message:
                events.append(message)

    def wait_for(self, method: str, events: list[dict[str, Any]], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == method for e in events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            message = json.loads(self.ws.recv())
            if "method" in message:
                events.append(message)

    def open(
        self,
        url: str,
        script: str,
        screenshot: Path | None = None,
        width: int = WIDTH,
        full_page: bool = True,
    ) -> PageResult:
        """Load ``url`` in a viewport ``width`` CSS pixels wide, evaluate ``script`` (JSON-able
        result) and collect every error. The page stays open for ``evaluate``."""
        events: list[dict[str, Any]] = []
        self.events = events
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", events)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            events,
            width=width,
            height=1000,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.send("Page.navigate", events, url=url)
        self.wait_for("Page.loadEventFired", events)
        time.sleep(0.3)  # late console messages and failed sub-resources
        value = self.evaluate(script)
        if screenshot is not None:
            self.screenshot(screenshot, width, full_page)
        return PageResult(errors=_errors(events), value=value)

    def evaluate(self, script: str) -> Any:
        """The JSON-able value of ``script`` in the open page (a promise is awaited)."""
        result = self.send(
            "Runtime.evaluate",
            self.events,
            expression=script,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Every error the open page logged so far."""
        return _errors(self.events)

    def screenshot(self, path: Path, width: int = WIDTH, full_page: bool = True) -> None:
        metrics = self.send("Page.getLayoutMetrics", self.events)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = size["height"] if full_page else 1000
        shot = self.send(
            "Page.captureScreenshot",
            self.events,
            format="png",
            captureBeyondViewport=full_page,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            if self.ws is not None:
                self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.profile.cleanup()


def _errors(events: list[dict[str, Any]]) -> list[str]:
    out = []
    for e in events:
        p = e.get("params", {})
        if e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console: " + " ".join(str(a.get("value", "")) for a in p["args"]))
        elif e["method"] == "Runtime.exceptionThrown":
            out.append("exception: " + p["exceptionDetails"].get("text", ""))
        elif e["method"] == "Log.entryAdded" and p["entry"].get("level") == "error":
            entry = p["entry"]
            out.append(f"log: {entry.get('text', '')} {entry.get('url', '')}".strip())
    return out
