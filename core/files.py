"""Stored files handed to their owner, after the view has checked who asks.

Behind nginx (MEDIA_ACCEL_REDIRECT set, files on a shared local volume) the
portal answers with only the headers and `X-Accel-Redirect`: nginx sends the
bytes from its `internal` location, and a web worker is not held for the
download. Without it (make run, S3 storage) the file is streamed by Django.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, HttpResponse
from django.utils.encoding import iri_to_uri
from django.utils.http import content_disposition_header


def download(name: str, filename: str, content_type: str) -> HttpResponse:
    """The stored file `name` as an attachment called `filename`; FileNotFoundError if missing."""
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if prefix and isinstance(default_storage, FileSystemStorage):
        if not default_storage.exists(name):
            raise FileNotFoundError(name)
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = iri_to_uri(prefix.rstrip("/") + "/" + name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            default_storage.open(name, "rb"),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
