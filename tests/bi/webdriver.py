"""A minimal W3C WebDriver client for Debian's chromium + chromedriver, standard library only.

Why not Selenium: it lives in Superset's virtualenv, not in the test environment, and the
browser test needs six verbs (open, find, type, click, run a script, screenshot).  The
protocol is JSON over HTTP on loopback; chromedriver is started on a free 127.0.0.1 port and
stopped with the session.
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(RuntimeError):
    """chromedriver answered with an error (the message is chromedriver's)."""


def browser_paths() -> tuple[str, str] | None:
    """(chromium, chromedriver) when both are installed (Debian: chromium, chromium-driver)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One headless Chromium session; use as a context manager."""

    def __init__(self, width: int = 1600, height: int = 1400, log_file: Path | None = None) -> None:
        paths = browser_paths()
        if paths is None:
            raise WebDriverError("chromium and chromedriver are not installed (apt-packages.txt)")
        chromium, driver = paths
        self._port = _free_port()
        self._log = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
        self._driver = subprocess.Popen(
            [driver, f"--port={self._port}", "--allowed-ips=127.0.0.1"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._base = f"http://127.0.0.1:{self._port}"
        self._wait_for_driver()
        capabilities = {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--lang=zh-CN",
                    f"--window-size={width},{height}",
                    # nothing but loopback: a test never leaves 127.0.0.0/8
                    "--proxy-server=127.0.0.1:9",
                    "--proxy-bypass-list=127.0.0.1;localhost",
                ],
            },
        }
        answer = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self._session = answer["sessionId"]

    def _wait_for_driver(self, timeout_s: float = 20) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urlopen(f"{self._base}/status", timeout=1):
                    return
            except (URLError, OSError):
                time.sleep(0.1)
        raise WebDriverError("chromedriver did not start")

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = Request(
            self._base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urlopen(request, timeout=120) as response:
                return _value(response.read())
        except HTTPError as error:
            raise WebDriverError(f"{method} {path}: {error.read().decode(errors='replace')[:2000]}") from None

    def _session_call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        return self._call(method, f"/session/{self._session}{path}", payload)

    def open(self, url: str) -> None:
        self._session_call("POST", "/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        """Run ``script`` (a function body; ``arguments`` holds ``args``) in the page."""
        return self._session_call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css: str) -> str:
        return self._session_call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT_KEY]

    def type(self, css: str, text: str) -> None:
        self._session_call("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css: str) -> None:
        self._session_call("POST", f"/element/{self.find(css)}/click", {})

    def wait_for(self, script: str, timeout_s: float = 60, interval_s: float = 0.5) -> Any:
        """Poll ``script`` (returns a truthy value when ready) until it does; return that value."""
        deadline = time.monotonic() + timeout_s
        value = None
        while time.monotonic() < deadline:
            value = self.run(script)
            if value:
                return value
            time.sleep(interval_s)
        raise WebDriverError(f"timed out after {timeout_s:g} s waiting for: {script[:200]} (last: {value!r})")

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._session_call("GET", "/screenshot")))
        return path

    def set_window(self, width: int, height: int) -> None:
        self._session_call("POST", "/window/rect", {"width": width, "height": height})

    def close(self) -> None:
        with contextlib.suppress(WebDriverError, URLError, OSError, AttributeError):
            self._call("DELETE", f"/session/{self._session}")
        self._driver.terminate()
        try:
            self._driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._driver.kill()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _value(body: bytes) -> Any:
    return json.loads(body or b"{}").get("value")
