"""The smallest Django project there is: one view, no apps, no middleware, no database.

bench/http_bench.py serves it under the same gunicorn as the portal, so that a reader can
see what Django itself costs on this machine beside what the portal adds:

    gunicorn bench.minimal_django:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="minimal-django-benchmark-only",  # noqa: S106 (serves one constant page)
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
