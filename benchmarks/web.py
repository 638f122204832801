"""Page weight and throughput through a real server: gunicorn (2 sync workers,
DEBUG=0, collected and compressed static files served by whitenoise) on
127.0.0.1, a real login, and wrk for the load. Loopback only, bounded in time."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin

HOST = "127.0.0.1"
LONG_LIVED = 365 * 24 * 3600  # a year or more: a browser does not ask again


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn on a free loopback port; stopped (by its own pid) on exit."""

    def __init__(
        self,
        env: dict[str, str],
        root: Path,
        workers: int = 2,
        settings_module: str = "incubator_plan.settings",
    ):
        """``settings_module``: the project's, or benchmarks.floor_settings for
        the framework floor (the same command otherwise)."""
        self.port = free_port()
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "incubator_plan.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
        ]
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings_module}
        self.root = root

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.command, cwd=self.root, env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start") from None
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start within 30 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes
    wire_bytes: int  # status line + headers + body as sent (compressed if it was)

    def text(self) -> str:
        """The body as a browser reads it: decompressed."""
        encoding = self.headers.get("content-encoding", "identity")
        if encoding == "gzip":
            return gzip.decompress(self.body).decode()
        if encoding == "br":
            import brotli

            return brotli.decompress(self.body).decode()
        return self.body.decode()


@dataclass
class Browser:
    """Just enough of a browser: cookies, gzip/br accepted, bytes counted."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Fetched:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        sent = {"Accept-Encoding": "gzip, br", "Host": f"{HOST}:{self.port}"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()  # http.client does not decompress: bytes as on the wire
        pairs = response.getheaders()
        connection.close()
        for name, value in pairs:
            if name.lower() == "set-cookie":
                cookie = SimpleCookie(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n".encode())
        header_bytes += sum(len(f"{k}: {v}\r\n".encode()) for k, v in pairs) + 2
        return Fetched(
            response.status,
            {k.lower(): v for k, v in pairs},
            data,
            header_bytes + len(data),
        )

    def login(self, username: str, password: str) -> None:
        page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text())
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
        ).encode()
        answer = self.request(
            "POST",
            "/accounts/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}/accounts/login/",
            },
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: HTTP {answer.status}")


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rel = attrs.get("rel") or ""
            if "stylesheet" in rel or "icon" in rel:
                self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            self.urls.append(attrs["src"])


def _long_lived(headers: dict[str, str]) -> bool:
    control = headers.get("cache-control", "")
    if "immutable" in control:
        return True
    match = re.search(r"max-age=(\d+)", control)
    return bool(match) and int(match[1]) >= LONG_LIVED


@dataclass
class Weight:
    html_bytes: int
    html_encoding: str
    assets: list[tuple[str, int, str, str]]  # url, wire bytes, encoding, cache-control
    first_visit: int
    repeat_visit: int


def page_weight(browser: Browser, path: str) -> Weight:
    page = browser.request("GET", path)
    if page.status != 200:
        raise RuntimeError(f"{path} answered {page.status}")
    parser = _Assets()
    parser.feed(page.text())
    assets, repeat = [], page.wire_bytes
    for url in dict.fromkeys(parser.urls):
        asset = browser.request("GET", urljoin(path, url))
        if asset.status != 200:
            raise RuntimeError(f"{url} answered {asset.status}")
        control = asset.headers.get("cache-control", "")
        encoding = asset.headers.get("content-encoding", "identity")
        assets.append((url, asset.wire_bytes, encoding, control))
        if not _long_lived(asset.headers):
            repeat += asset.wire_bytes  # a browser would fetch it again (or revalidate)
    first = page.wire_bytes + sum(size for _url, size, _enc, _cc in assets)
    encoding = page.headers.get("content-encoding", "identity")
    return Weight(page.wire_bytes, encoding, assets, first, repeat)


@dataclass
class Load:
    requests_per_s: float
    non_2xx: int
    errors: str
    latency: str
    command: str


WRK_MISSING = (
    "wrk is not installed: `apt-get install -y wrk` (Debian) — the load step is skipped. "
    "(Other load tools, such as locust, compete with the server for the two cores.)"
)


def load(port: int, path: str, cookies: dict[str, str], *, seconds: int, connections: int) -> Load:
    if shutil.which("wrk") is None:
        raise FileNotFoundError(WRK_MISSING)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-H", f"Cookie: {cookie}"] if cookie else []
    command.append(f"http://{HOST}:{port}{path}")
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    latency = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", output)
    shown = " ".join(
        [*command[:-3], "-H", "'Cookie: sessionid=…'", command[-1]] if cookie else command
    )
    return Load(
        float(rate[1]) if rate else 0.0,
        int(non_2xx[1]) if non_2xx else 0,
        errors[0] if errors else "",
        f"avg {latency[1]}, max {latency[3]}" if latency else "",
        shown,
    )


def server_env(base: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(base)
    return env
