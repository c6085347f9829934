"""The portal refuses to start in production mode without real settings."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def start(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CAPTCHA_TEST_MODE")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "eskk_portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_debug_off_with_a_weak_secret_key_refuses_to_start():
    result = start(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_without_secret_key_refuses_to_start():
    result = start(DEBUG="false", ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = start(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_captcha_test_mode_is_refused_in_production():
    result = start(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example",
        CAPTCHA_TEST_MODE="true",
    )
    assert result.returncode != 0
    assert "CAPTCHA_TEST_MODE" in result.stderr


def test_production_settings_start():
    result = start(
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example"
    )
    assert result.returncode == 0, result.stderr


def test_russian_time_zone_and_dates():
    assert settings.LANGUAGE_CODE == "ru"
    assert settings.TIME_ZONE == "Asia/Novokuznetsk"


def test_check_deploy_is_clean_with_production_settings():
    drop = ("DEBUG", "CAPTCHA_TEST_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="lk.eskk.ru")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr
