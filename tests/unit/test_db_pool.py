"""Each worker's PostgreSQL pool is its share of the connections one instance may open."""

import pytest

from vigor_app import db
from vigor_app.settings import reload_settings


@pytest.mark.parametrize(("env", "expected"), [
    ({}, (5, 10)),  # one process: the usual 5 + 10
    ({"REDIS_URL": "redis://127.0.0.1:6379/0", "GRANIAN_WORKERS": "5"}, (5, 7)),  # 60 // 5 = 12
    ({"REDIS_URL": "redis://127.0.0.1:6379/0", "GRANIAN_WORKERS": "8", "DB_MAX_CONNECTIONS": "24"}, (3, 0)),
    ({"GRANIAN_WORKERS": "4", "DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "1"}, (2, 1)),
])
def test_the_pool_is_sized_for_the_worker_count(vigor_env, env, expected):
    for name, value in env.items():
        vigor_env.setenv(name, value)
    reload_settings()
    assert db.pool_limits() == expected


def test_with_redis_and_no_worker_count_reflex_s_default_is_assumed(vigor_env):
    vigor_env.delenv("GRANIAN_WORKERS", raising=False)
    vigor_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = reload_settings()
    assert 1 < settings.backend_workers <= 8
    size, overflow = db.pool_limits()
    assert settings.backend_workers * (size + overflow) <= settings.db_max_connections


@pytest.mark.parametrize(("env", "warned"), [
    ({}, []),
    ({"GRANIAN_WORKERS": "3"}, ["without REDIS_URL"]),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, ["embedded SQLite"]),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0", "DATABASE_URL": "postgresql+psycopg://vigor@db/vigor"}, []),
])
def test_a_several_worker_setup_that_cannot_work_is_named_at_start(vigor_env, caplog, env, warned):
    from vigor_app import startup

    for name, value in env.items():
        vigor_env.setenv(name, value)
    reload_settings()
    problems = startup.check_worker_setup()
    assert len(problems) == len(warned)
    for problem, words in zip(problems, warned, strict=True):
        assert words in problem and problem in caplog.text
