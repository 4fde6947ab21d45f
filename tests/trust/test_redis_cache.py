"""REDIS_URL switches the cache and sessions to Redis; without it nothing needs Redis."""

import socket

import pytest

from .servers import manage, production_env

PROBE = (
    "from django.conf import settings; from django.core.cache import cache; "
    "cache.set('onguard-probe', 'ok', 5); "
    "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, cache.get('onguard-probe'))"
)


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_without_redis_url_the_cache_is_local(tmp_path):
    result = manage("shell", "-c", PROBE, env=production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"))
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.locmem.LocMemCache", "django.contrib.sessions.backends.db", "ok"
    ]  # fmt: skip


def test_redis_url_moves_cache_and_sessions_to_redis(tmp_path):
    if not redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", REDIS_URL="redis://127.0.0.1:6379/5"
    )
    result = manage("shell", "-c", PROBE, env=env)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "ok",
    ], result.stderr
