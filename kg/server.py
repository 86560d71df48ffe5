"""A real SPARQL endpoint: run the Oxigraph server over the exports, and push the graph to any store.

``kg serve`` loads the graph into an Oxigraph store (a temporary folder
unless ``--location`` is given) with ``oxigraph load``, then runs
``oxigraph serve`` on it until Ctrl-C. The binary comes from the ``oxigraph``
package on PyPI (``pip install 'telecom-incident-kg[server]'``).

``kg push`` replaces one graph of any SPARQL 1.1 Graph Store Protocol
endpoint with the export, in one HTTP PUT (``?graph=IRI`` or ``?default``),
so readers never see half a graph. Standard library only.
"""
from __future__ import annotations

import base64
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


class ServerError(Exception):
    """A problem worth one line to the user."""


def find_oxigraph() -> str:
    """The ``oxigraph`` binary: next to this Python (a virtualenv's bin/), else on PATH."""
    here = Path(sys.executable).parent
    for name in ("oxigraph", "oxigraph.exe"):
        if (here / name).is_file():
            return str(here / name)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServerError("the Oxigraph server is not installed; pip install 'telecom-incident-kg[server]' "
                      "(the `oxigraph` package on PyPI)")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def load_store(graph: str | Path, location: str | Path, binary: str | None = None) -> None:
    """Fill the store folder with the graph (``oxigraph load``; atomic)."""
    graph = Path(graph)
    if not graph.is_file():
        raise ServerError(f"graph not found: {graph}")
    binary = binary or find_oxigraph()
    done = subprocess.run([binary, "load", "--location", str(location), "--file", str(graph)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise ServerError(f"oxigraph load failed on {graph}: {last}")


@dataclass
class Server:
    """A running ``oxigraph serve`` process."""
    process: subprocess.Popen
    host: str
    port: int
    tmpdir: tempfile.TemporaryDirectory | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/query"

    @property
    def update_url(self) -> str:
        return self.base_url + "/update"

    @property
    def store_url(self) -> str:
        return self.base_url + "/store"

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if sys.platform != "win32" else signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.tmpdir is not None:
            self.tmpdir.cleanup()
            self.tmpdir = None

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(graph: str | Path | None = None, host: str = "127.0.0.1", port: int = 0,
          location: str | Path | None = None, wait: float = 30, quiet: bool = True) -> Server:
    """Start ``oxigraph serve`` over a store holding ``graph`` (if given); returns once it answers."""
    binary = find_oxigraph()
    tmpdir = None
    if location is None:
        tmpdir = tempfile.TemporaryDirectory(prefix="kg-serve-")
        location = tmpdir.name
    else:
        location = Path(location)
        if graph is not None and location.exists():
            shutil.rmtree(location)  # --location holds this graph, not an older one
        location.mkdir(parents=True, exist_ok=True)
    try:
        if graph is not None:
            load_store(graph, location, binary)
        port = port or free_port(host)
        out = subprocess.DEVNULL if quiet else None
        process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"{host}:{port}"],
                                   stdout=out, stderr=subprocess.PIPE if quiet else None)
    except BaseException:
        if tmpdir is not None:
            tmpdir.cleanup()
        raise
    server = Server(process, host, port, tmpdir)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode("utf-8", "replace").strip() if process.stderr else ""
            server.stop()
            raise ServerError(f"oxigraph serve exited ({process.returncode}) on {host}:{port}: "
                              f"{(err.splitlines() or ['no message'])[-1]}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise ServerError(f"oxigraph serve did not answer on {host}:{port} within {wait:.0f} s")


def serve(graph: str | Path, host: str = "127.0.0.1", port: int = 7878, location: str | None = None) -> int:
    """``kg serve``: run until Ctrl-C, then stop the server and remove the temporary store."""
    if not Path(graph).is_file():
        raise ServerError(f"graph not found: {graph} (build it first: kg build seeds --out exports)")
    started = time.monotonic()
    server = start(graph, host=host, port=port, location=location, quiet=False)
    print(f"loaded {graph} in {time.monotonic() - started:.1f} s; Oxigraph {server.base_url}")
    print(f"  SPARQL query endpoint:  {server.query_url}")
    print(f"  SPARQL update endpoint: {server.update_url}")
    print(f"  Graph Store Protocol:   {server.store_url}")
    print(f"  web query editor:       {server.base_url}/")
    print("press Ctrl-C to stop", flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr)
    finally:
        server.stop()
    return 0


# ------------------------------------------------------------------ HTTP

def _auth_headers(user: str | None, password: str | None, token: str | None) -> dict[str, str]:
    if token:
        return {"Authorization": f"Bearer {token}"}
    if user is not None:
        raw = f"{user}:{password or ''}".encode("utf-8")
        return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    return {}


def _with_query(url: str, params: dict[str, str] | str) -> str:
    query = params if isinstance(params, str) else urllib.parse.urlencode(params)
    return url + ("&" if "?" in url else "?") + query


def _http(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace").strip()
        detail = f": {body.splitlines()[0][:200]}" if body else ""
        hint = " (check --user/--password or --token)" if err.code in (401, 403) else ""
        raise ServerError(f"HTTP {err.code} {err.reason} from {request.full_url}{detail}{hint}") from None
    except urllib.error.URLError as err:
        raise ServerError(f"cannot reach {request.full_url}: {err.reason}") from None
    except (TimeoutError, socket.timeout):
        raise ServerError(f"no answer from {request.full_url} within {timeout:.0f} s") from None


def push(graph: str | Path, endpoint: str, graph_iri: str | None = None, user: str | None = None,
         password: str | None = None, token: str | None = None, timeout: float = 300) -> tuple[int, str, int]:
    """Replace a graph at a Graph Store Protocol endpoint with the Turtle file: one PUT, atomic on the server.

    Returns (HTTP status, URL, bytes sent).
    """
    path = Path(graph)
    if not path.is_file():
        raise ServerError(f"graph not found: {path} (build it first: kg build seeds --out exports)")
    if not urllib.parse.urlparse(endpoint).scheme in ("http", "https"):
        raise ServerError(f"--endpoint must be an http(s) URL, got {endpoint!r}")
    data = path.read_bytes()
    url = _with_query(endpoint, {"graph": graph_iri} if graph_iri else "default")
    headers = {"Content-Type": "text/turtle; charset=utf-8", **_auth_headers(user, password, token)}
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    status, _ = _http(request, timeout)
    return status, url, len(data)


def sparql_select(endpoint: str, query: str, default_graph: str | None = None, user: str | None = None,
                  password: str | None = None, token: str | None = None, timeout: float = 60) -> dict:
    """POST a query to a SPARQL 1.1 query endpoint; the SPARQL results JSON document."""
    form = {"query": query}
    if default_graph:
        form["default-graph-uri"] = default_graph
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Accept": "application/sparql-results+json", **_auth_headers(user, password, token)}
    request = urllib.request.Request(endpoint, data=urllib.parse.urlencode(form).encode("utf-8"),
                                     method="POST", headers=headers)
    _, body = _http(request, timeout)
    return json.loads(body)
