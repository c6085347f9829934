# Celery is loaded with Django, so that @shared_task binds to the portal's app.
from eskk_portal.celery import app as celery_app

__all__ = ("celery_app",)
