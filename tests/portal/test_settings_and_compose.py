"""The project's shell: settings driven by the environment, docker-compose kept valid."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "TESTING", "DEBUG", "SECRET_KEY"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_dev_secret_key_when_debug_is_off():
    result = _import_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "change-me-in-production-this-is-not-a-secret",  # the compose file's old fallback
        "dev-only-insecure-key-do-not-use-in-production",
        "short-but-random-Zq8",
        "a" * 60,
    ],
)
def test_settings_refuse_a_weak_or_published_secret_key_when_debug_is_off(key):
    result = _import_settings({"DEBUG": "0", "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_in_the_production_configuration():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment does not.
    test_only = {"PYTEST_VERSION", "TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.test",
        BEHIND_PROXY="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_accept_a_real_secret_key_in_production():
    result = _import_settings(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "postgres://u:p@db:5432/chorus",
            "REDIS_URL": "redis://redis:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_settings_default_to_sqlite_and_eager_tasks():
    env = {"DEBUG": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "REDIS_URL", "PYTEST_VERSION"}
            },
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_docker_compose_services_and_shared_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"proxy", "db", "redis", "web", "worker", "beat", "mailpit"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert "gunicorn portal.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    # web, worker and beat run the same image with the same settings.
    envs = [services[name]["environment"] for name in ("web", "worker", "beat")]
    assert envs[0] == envs[1] == envs[2]
    assert envs[0]["DATABASE_URL"].startswith("postgres://") and "@db:" in envs[0]["DATABASE_URL"]
    assert envs[0]["REDIS_URL"].startswith("redis://redis:")
    assert envs[0]["EMAIL_URL"].startswith("smtp://mailpit:")
    assert {services[name]["image"] for name in ("web", "worker", "beat")} == {
        "chorus-pro-mimic:latest"
    }


def test_docker_compose_has_no_insecure_defaults():
    text = (ROOT / "docker-compose.yml").read_text()
    env = yaml.safe_load(text)["services"]["web"]["environment"]
    # No fallback key: compose refuses to start without one (${VAR:?message}).
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "SECURE_COOKIES" not in env and "SECURE_SSL_REDIRECT" not in env
    assert env["BEHIND_PROXY"] == "1"
    assert env["CSRF_TRUSTED_ORIGINS"].startswith("https://")


def test_docker_compose_puts_a_body_capped_tls_proxy_before_gunicorn():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["proxy"]["image"].startswith("caddy:")
    assert "ports" not in services["web"]  # gunicorn is reached through the proxy only
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "max_size 51MB" in caddyfile


def test_celery_beat_schedule_collects_app_schedules():
    from portal.celery import app

    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "notifications.tasks.send_pending_emails" in tasks
    assert "validation.tasks.expire_pending_validations" in tasks


def test_docker_compose_tunes_postgresql_for_oltp():
    """Issue 10: JIT off, memory sized for the list queries, a /dev/shm that holds them."""
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    db = compose["services"]["db"]
    options = dict(
        item.split("=", 1) for item in db["command"] if "=" in item and not item.startswith("-")
    )
    assert options["jit"] == "off"
    assert options["shared_buffers"] == "1GB" and options["effective_cache_size"] == "3GB"
    assert options["work_mem"] == "32MB"
    assert db["shm_size"] == "1gb"
