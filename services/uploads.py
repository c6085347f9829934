"""Checks on files a customer attaches to a request.

The type is decided by the file's content (magic bytes, `filetype`), never by
its name or the browser's Content-Type; the name's extension must agree with
the content, so that the file opens as what it says it is.
"""

from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat

# Detected MIME type → the extensions a file of that type may carry.
ALLOWED_TYPES = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
ALLOWED_LABEL = "PDF, JPEG или PNG"


def max_bytes() -> int:
    return settings.SERVICES_ATTACHMENT_MAX_BYTES


def size_message(name: str) -> str:
    return f"Файл «{name}» больше {filesizeformat(max_bytes())}: прикрепите файл поменьше."


def check_attachment(upload: UploadedFile) -> str:
    """The content type of an acceptable upload; ValidationError with a Russian message otherwise."""
    name = upload.name or "без имени"
    if upload.size is None or upload.size > max_bytes():
        raise ValidationError(size_message(name), code="too_large")
    if upload.size == 0:
        raise ValidationError(f"Файл «{name}» пустой.", code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            f"Файл «{name}» не является документом {ALLOWED_LABEL}: можно прикрепить только их.",
            code="bad_type",
        )
    if PurePosixPath(name).suffix.lower() not in ALLOWED_TYPES[mime]:
        raise ValidationError(
            f"Имя файла «{name}» не соответствует его содержимому ({kind.extension.upper()}).",
            code="bad_extension",
        )
    return mime


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops storing an upload as soon as it passes the limit and notes its name.

    Placed first among the request's handlers, so an oversized file never
    reaches memory or a temporary file; the form then reports it by name.
    """

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            oversized = getattr(self.request, "oversized_uploads", [])
            oversized.append((self.field_name, self.file_name))
            self.request.oversized_uploads = oversized
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
