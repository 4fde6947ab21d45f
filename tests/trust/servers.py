"""Real servers for trust tests: gunicorn with production settings, and a TCP proxy in front of
PostgreSQL that a test can cut and restore."""

import base64
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="onguard.example.org,127.0.0.1",
        QUICK_EXIT_URL="https://www.weather.gov/",
        OPENBADGES_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        TRUSTED_PROXY_COUNT="1",  # the documented deployment: one nginx in front
    )
    env.update(extra)
    return env


def collected_static(tmp: Path) -> str:
    """Production serves fingerprinted files from a manifest, which collectstatic writes."""
    root = tmp / "static"
    result = manage("collectstatic", "--no-input", "-v0", env=production_env(STATIC_ROOT=str(root)))
    assert result.returncode == 0, result.stderr
    return str(root)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def get(url: str, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) of a GET that follows no redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode(errors="replace")


class Gunicorn:
    def __init__(self, env: dict, workers: int = 1, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The log goes to a file: a pipe nobody reads fills up and blocks every worker.
        self.log = tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", str(workers),
             "--timeout", "30", "--graceful-timeout", "2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start in 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class SwitchableProxy:
    """Forwards 127.0.0.1:<port> to a target while `up`; `down()` drops every connection and
    refuses new ones, as a crashed or unreachable database would."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.up = True
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(50)
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def down(self):
        self.up = False
        with self.lock:
            for sock in self.connections:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                except OSError:
                    pass
            self.connections.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.running = False
        self.down()
        self.server.close()
