"""Production settings: deploy checks clean and security headers on real gunicorn responses."""

import re

import pytest

from tests.conftest import FIXTURE_CONTENT

from .servers import Gunicorn, collected_static, get, manage, production_env

HTTPS = {"X-Forwarded-Proto": "https", "Host": "onguard.example.org"}


def test_deploy_checks_are_clean_under_production_settings(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    env = production_env(DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", STATIC_ROOT=collected_static(tmp))
    for args in (["migrate", "-v0"], ["load_content", str(FIXTURE_CONTENT)]):
        result = manage(*args, env=env)
        assert result.returncode == 0, result.stderr
    server = Gunicorn(env)
    yield server
    server.stop()


def test_plain_http_is_redirected_to_https(production_server):
    status, headers, _ = get(production_server.url + "/", {"Host": "onguard.example.org"})
    assert status == 301 and headers["Location"] == "https://onguard.example.org/"


def test_lesson_page_sends_every_security_header(production_server):
    status, headers, body = get(production_server.url + "/modules/first-steps/lessons/intro/", HTTPS)
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert not re.search(r"https?://", csp), "no third-party origins"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    # Static assets are fingerprinted by the manifest storage.
    assert re.search(r"/static/css/onguard\.[0-9a-f]{12}\.css", body)
    assert "<script>" not in body and " style=" not in body


def test_cookies_are_secure_httponly_and_samesite(production_server):
    _, headers, _ = get(production_server.url + "/accounts/login/", HTTPS)
    cookies = headers.get_all("Set-Cookie")
    csrf = next(c for c in cookies if c.startswith("csrftoken="))
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in csrf


def test_health_endpoint_reports_database_and_tasks(production_server):
    status, headers, body = get(production_server.url + "/healthz", HTTPS)
    assert status == 200 and '"database": "ok"' in body and '"tasks"' in body
    assert "no-cache" in headers["Cache-Control"]


def test_404_is_friendly_with_help_and_no_trace(production_server):
    status, _, body = get(production_server.url + "/no/such/page/", HTTPS)
    assert status == 404
    assert "We can’t find that page" in body and "1-800-843-5678" in body and "quick-exit" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_our_css_and_js_are_served_minified_and_compressed(production_server):
    _, _, body = get(production_server.url + "/", HTTPS)
    for asset in re.findall(r"/static/(?:css|js)/onguard\.[0-9a-f]{12}\.(?:css|js)", body):
        status, headers, text = get(production_server.url + asset, {**HTTPS, "Accept-Encoding": "identity"})
        assert status == 200 and "max-age=315360000" in headers["Cache-Control"]
        assert "/*" not in text and "\n  " not in text, f"{asset} is not minified"
        status, headers, _ = get(production_server.url + asset, {**HTTPS, "Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip"


def test_a_plain_http_health_check_is_answered_not_redirected(production_server):
    # A load balancer probing the app port sends no X-Forwarded-Proto (review L8).
    status, _, body = get(production_server.url + "/healthz", {"Host": "onguard.example.org"})
    assert status == 200 and '"database": "ok"' in body


def test_an_oversized_upload_is_refused_by_the_real_server_before_it_is_sent(production_server):
    # The review's 50 MB body: the server answers 413 from the headers alone, without the body.
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(production_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.putrequest("POST", "/verify/credential/", skip_host=True)
    for name, value in {**HTTPS, "Content-Type": "application/octet-stream"}.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(50 * 1024 * 1024))
    connection.endheaders(b"x" * 1024)
    response = connection.getresponse()
    assert response.status == 413
    connection.close()
