"""Real servers for the SSO tests, each in its own process or thread on 127.0.0.1:

- `IdentityProvider`: an OpenID Connect provider (django-oauth-toolkit, tests/sso/idp/) under
  gunicorn, with its own RSA key, one client and the users a test names.
- `DNSServer`: a UDP DNS server (dnspython's wire format) that answers TXT queries from a dict
  the test changes, for domain verification (sso/dns.py points its resolver at it)."""

import json
import os
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.trust.servers import PYTHON, ROOT, free_port


class IdentityProvider:
    def __init__(
        self, *, client_id: str, secret: str, redirect_uris: list[str], users: list[dict], extra_clients=()
    ):
        self.data = Path(tempfile.mkdtemp(prefix="idp-"))
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (self.data / "key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/o"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
        env.update(DJANGO_SETTINGS_MODULE="tests.sso.idp.settings", IDP_DATA=str(self.data))
        config = {
            "clients": [
                {"client_id": client_id, "secret": secret, "redirect_uris": redirect_uris},
                *extra_clients,
            ],
            "users": users,
        }
        setup = subprocess.run(
            [PYTHON, "-m", "tests.sso.idp.setup", json.dumps(config)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert setup.returncode == 0, setup.stderr
        self.log = open(self.data / "gunicorn.log", "w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "tests.sso.idp.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1",
             "--threads", "4", "--timeout", "30", "--graceful-timeout", "2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test provider exited: {(self.data / 'gunicorn.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the test provider did not start in 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class DNSServer:
    """Answers TXT queries for the names in `records` (name -> list of strings); NXDOMAIN for
    any other name; `down = True` makes it drop queries, as an unreachable server would."""

    def __init__(self):
        self.records: dict[str, list[str]] = {}
        self.down = False
        self.queries: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                data, client = self.sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            if self.down:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            self.queries.append(name)
            texts = self.records.get(name)
            if texts is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT:
                quoted = [f'"{t}"' for t in texts]
                response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", "TXT", quoted))
            self.sock.sendto(response.to_wire(), client)

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()
