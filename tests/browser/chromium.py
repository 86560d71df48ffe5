"""Drive Debian's headless Chromium over the DevTools protocol (websocket-client), network cut off.

Every request whose URL is not ``file:`` or ``data:`` is failed by the Fetch
domain and recorded in ``Page.requests``; Chromium also gets a dead proxy and
host-resolver rules, so nothing can leave the machine even if interception missed it.
"""
from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
         "--window-size=1400,900"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self):
        import websocket  # noqa: F401  (fail early if the test extra is missing)
        self.profile = tempfile.mkdtemp(prefix="tikg-chromium-")
        self.port = _free_port()
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}",
                                      f"--remote-debugging-port={self.port}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/version", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("chromium did not start")
                time.sleep(0.1)

    def page(self) -> "Page":
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
        info = json.loads(urllib.request.urlopen(req, timeout=5).read())
        return Page(info["webSocketDebuggerUrl"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, ws_url: str):
        import websocket
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.requests: list[str] = []      # every URL the page asked for
        self.blocked: list[str] = []       # the ones that were not file: or data:
        self.dialogs: list[str] = []       # alert(), confirm() ... (the XSS probe would open one)
        self.errors: list[str] = []        # uncaught exceptions
        self.events: list[dict] = []
        for method, params in (("Page.enable", {}), ("Network.enable", {}), ("Runtime.enable", {}),
                               ("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})):
            self.call(method, **params)

    def _handle(self, msg: dict) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(("file:", "data:")):
                self._send("Fetch.continueRequest", requestId=params["requestId"])
            else:
                self.blocked.append(url)
                self._send("Fetch.failRequest", requestId=params["requestId"], errorReason="BlockedByClient")
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params.get("message", ""))
            self._send("Page.handleJavaScriptDialog", accept=True)
        elif method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method:
            self.events.append(msg)

    def _send(self, method: str, **params) -> int:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def call(self, method: str, **params) -> dict:
        wanted = self._send(method, **params)
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._handle(msg)

    def pump(self, seconds: float) -> None:
        """Handle events for a while (requests, dialogs)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.ws.settimeout(max(0.01, end - time.monotonic()))
            try:
                self._handle(json.loads(self.ws.recv()))
            except Exception:  # websocket timeout
                pass
        self.ws.settimeout(30)

    def eval(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def open(self, path: Path, ready: str = "window.kgStatus", timeout: float = 30.0) -> float:
        """Navigate to a file and wait until ``ready`` is truthy; returns seconds from navigation to ready."""
        started = time.monotonic()
        self.call("Page.navigate", url=Path(path).resolve().as_uri())
        while time.monotonic() - started < timeout:
            if self.eval(f"!!({ready})"):
                return time.monotonic() - started
            self.pump(0.05)
        raise TimeoutError(f"{path} not ready after {timeout} s")

    def screenshot(self, target: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
        return target

    def close(self) -> None:
        self.ws.close()
