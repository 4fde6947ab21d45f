"""When PostgreSQL goes away the site answers 503 from the outermost middleware, and recovers
by itself when it returns. A real gunicorn talks to the real test database through a proxy
that the test cuts and restores."""

import time

import pytest
from django.db import connection

from .servers import Gunicorn, SwitchableProxy, collected_static, get, production_env

HTTPS = {"X-Forwarded-Proto": "https", "Host": "onguard.example.org"}


def wait_for(url: str, status: int, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = get(url, HTTPS)
        if last[0] == status:
            return last
        time.sleep(0.3)
    raise AssertionError(f"{url} never answered {status}; last answer {last[0] if last else None}")


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_gives_503_and_the_site_recovers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs it); SQLite cannot become unreachable")
    db = connection.settings_dict
    proxy = SwitchableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    url = f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
    static = collected_static(tmp_path)
    server = Gunicorn(production_env(DATABASE_URL=url, CONN_MAX_AGE="60", STATIC_ROOT=static))
    try:
        wait_for(server.url + "/healthz", 200)
        assert get(server.url + "/", HTTPS)[0] == 200

        proxy.down()
        status, headers, body = wait_for(server.url + "/", 503)
        assert "briefly unavailable" in body and "911" in body and "Traceback" not in body
        assert headers["Retry-After"] == "30"
        assert get(server.url + "/healthz", HTTPS)[0] == 503
        assert get(server.url + "/accounts/login/", {**HTTPS, "Cookie": "sessionid=" + "a" * 32})[0] == 503

        proxy.restore()
        wait_for(server.url + "/", 200)
        assert get(server.url + "/healthz", HTTPS)[0] == 200
    finally:
        server.stop()
        proxy.close()
