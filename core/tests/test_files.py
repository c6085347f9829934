"""Stored files reach their owner streamed by Django, or by nginx after X-Accel-Redirect."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.files import download


def test_without_nginx_the_file_is_streamed():
    name = default_storage.save("documents/pdf/1/2/счет.pdf", ContentFile(b"%PDF-1.7"))
    response = download(name, "счет.pdf", "application/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert "X-Accel-Redirect" not in response
    assert response["Cache-Control"] == "private, no-store"


def test_behind_nginx_only_the_headers_go_out_and_nginx_sends_the_file(settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    name = default_storage.save("documents/pdf/1/2/счет.pdf", ContentFile(b"%PDF-1.7"))
    response = download(name, "счет.pdf", "application/pdf")
    assert response.content == b""
    assert response["X-Accel-Redirect"] == (
        "/protected-media/documents/pdf/1/2/%D1%81%D1%87%D0%B5%D1%82.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_is_not_found_either_way(settings):
    with pytest.raises(FileNotFoundError):
        download("documents/none.pdf", "x.pdf", "application/pdf")
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    with pytest.raises(FileNotFoundError):
        download("documents/none.pdf", "x.pdf", "application/pdf")


def test_s3_is_the_storage_when_a_bucket_is_named():
    import os
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.location, s.default_acl)"
    )
    env = {**os.environ, "DEBUG": "true", "S3_BUCKET": "eskk-media",
           "S3_ENDPOINT_URL": "http://127.0.0.1:9000", "DJANGO_SETTINGS_MODULE": "eskk_portal.settings"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "eskk-media", "media", "private"]


def test_with_redis_the_cache_and_sessions_use_it():
    import os
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {**os.environ, "DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:6379/0",
           "DJANGO_SETTINGS_MODULE": "eskk_portal.settings"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "False",
    ]
