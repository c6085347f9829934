"""PDF of a document: WeasyPrint renders the same template fragment as the HTML page.

Fonts and the stylesheet come from this app's static files through the local
file system; the fetcher refuses every other scheme, so rendering never goes
to the network. An issued document's PDF is rendered once and kept in the
default storage (outside the web root, or S3): by a worker when the document is
issued (DOCUMENTS_PDF_AT_ISSUE), else at its first download; statements are
rendered every time.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from documents.models import Document

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "documents/pdf.html"
STYLESHEET = "documents/pdf.css"
# The charts of «Расшифровка потребления» look in print as they do on screen. Loaded before
# STYLESHEET, so that its print rules win over theirs (`.doc-charts` is a block, not the
# screen's grid: WeasyPrint lays out every table of a grid's cell again for each track sizing,
# and the consumption PDF took 7 s instead of 3.5).
EXTRA_STYLESHEETS = ("css/charts.css",)


def static_roots() -> list[Path]:
    """The folders of the portal's own static files (stylesheets, fonts, images)."""
    roots = [Path(settings.STATIC_ROOT).resolve()]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location).resolve())
    return roots


class RefusedURL(ValueError):
    """A URL the PDF renderer may not read."""


def _local_fetcher():
    """WeasyPrint's fetcher limited to data: URLs and the portal's static files.

    The network is refused, and so is any other `file:` URL (a `file:///etc/passwd`
    in a stylesheet or a crafted document would otherwise be read, issue 23).
    """
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in static_roots()):
                    raise RefusedURL(f"not a static file of the portal: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


def _stylesheet_path(name: str = STYLESHEET) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"static file {name} not found")
    return Path(found)


_styles = threading.local()
# Let go at exit while the interpreter still runs: a font configuration removes its
# folder of temporary font files when it is collected, and fails to during shutdown.
atexit.register(lambda: vars(_styles).clear())


def _page_styles() -> tuple[Path, FontConfiguration, URLFetcher, tuple[CSS, ...]]:
    """The stylesheets of every PDF, parsed once per thread, with the fonts they load.

    They are static files of the release, read once like the templates: parsing them
    and loading their @font-face fonts took a tenth of each rendering, and the month's
    batch renders two PDFs per contract (bench/bench_month_end.py). Per thread, not per
    process: WeasyPrint's font configuration is not meant for two renderings at once
    (runserver and a threaded gunicorn serve requests in threads).
    """
    if hasattr(_styles, "loaded"):
        return _styles.loaded
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    stylesheet = _stylesheet_path()
    fonts = FontConfiguration()
    fetcher = _local_fetcher()
    css = tuple(
        CSS(filename=str(path), font_config=fonts, url_fetcher=fetcher)
        for path in (*map(_stylesheet_path, EXTRA_STYLESHEETS), stylesheet)
    )
    _styles.loaded = (stylesheet, fonts, fetcher, css)
    return _styles.loaded


def render_pdf(body_template: str, context: dict) -> bytes:
    """Render `body_template` (a document fragment) inside the A4 PDF page, as bytes."""
    from weasyprint import HTML

    html = render_to_string(PDF_TEMPLATE, {**context, "body_template": body_template})
    stylesheet, fonts, fetcher, css = _page_styles()
    document = HTML(string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher)
    # PDF/UA-1: tagged, so a screen reader reads the document in order (ГОСТ Р 52872-2019).
    return document.write_pdf(stylesheets=list(css), font_config=fonts, pdf_variant="pdf/ua-1")


def stored_name(document: Document, filename: str) -> str:
    return f"documents/pdf/{document.contract_id}/{document.pk}/{filename}"


def issued_pdf(
    document: Document, filename: str, body_template: str, context: Callable[[], dict]
) -> str:
    """The storage name of the document's PDF, rendering and storing it on first request.

    The document never changes once issued, so the first rendering is final.
    Two first downloads at once may both render; the second copy is dropped.
    """
    name = stored_name(document, filename)
    if default_storage.exists(name):
        return name
    content = render_pdf(body_template, context())
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        default_storage.delete(saved)
    logger.info("documents: rendered and stored %s", name)
    return name


def stored_pdf(document: Document) -> str:
    """The storage name of an issued document's PDF (rendered on first need, then kept)."""
    from documents.services import SECTIONS, document_context
    from documents.wording import pdf_filename

    section = SECTIONS[document.kind]
    filename = pdf_filename(section.file_slug, document.number, document.period)
    return issued_pdf(document, filename, section.fragment, lambda: document_context(document))
