"""REDIS_URL switches the cache and sessions to Redis; without it production shares the cache
through the database and nothing needs Redis."""

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


def test_without_redis_url_production_shares_the_cache_through_the_database(tmp_path):
    """Rate limits must be counted once for all workers (review L5): the migrations create the
    cache table, so a fresh production database needs nothing more."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert manage("migrate", "-v0", env=env).returncode == 0
    result = manage("shell", "-c", PROBE, env=env)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.db.DatabaseCache", "django.contrib.sessions.backends.db", "ok"
    ], result.stderr  # fmt: skip


def test_a_local_debug_run_keeps_a_memory_cache(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", DEBUG="True")
    result = manage("shell", "-c", PROBE, env=env)
    assert (
        result.stdout.strip().splitlines()[-1].split()[0] == "django.core.cache.backends.locmem.LocMemCache"
    )


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
