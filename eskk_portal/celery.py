"""The Celery application: background work of every app, on three queues.

`mail` (the outbox of core.mail and the notifications), `documents` (PDFs of
issued documents) and `imports` (admin uploads of billing files, the nightly
batch jobs). Without REDIS_URL tasks run eagerly in the calling process
(CELERY_TASK_ALWAYS_EAGER): `make run` needs no broker. Settings are the
CELERY_* names of eskk_portal/settings.py; each app's tasks live in its tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

app = Celery("eskk_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
