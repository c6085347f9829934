"""/healthz says the process is alive; /readyz that it can serve (database, Redis, media)."""

import pytest
from django.core.files.storage import default_storage

from core import views

pytestmark = pytest.mark.django_db


def test_healthz_asks_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")


def test_readyz_checks_the_database_and_writes_to_media(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz/")
    assert (response.status_code, response.content) == (200, b"ready")
    assert default_storage.listdir("readyz")[1] == []  # the probe is removed


def test_readyz_is_503_with_what_failed(client, monkeypatch, settings):
    def down():
        raise OSError("no route")

    monkeypatch.setattr(views, "_media_writable", down)
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.content.decode() == "not ready: redis, media"
