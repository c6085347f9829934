"""What the «новый документ» mail of «Дополнительные услуги» reads from this app."""

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse

from documents.models import Document


class IssuedDocumentNotice:
    """A document as services.notifications.IssuedDocument expects it."""

    def __init__(self, document: Document):
        from documents.services import SECTIONS

        self.pk = document.pk
        self.contract_id = document.contract_id
        self.issued_at = document.issued_at
        self.title = str(document)
        self._url = reverse(f"{SECTIONS[document.kind].url_name}_detail", args=[document.pk])

    def get_absolute_url(self) -> str:
        return self._url


def issued_between(since: dt.datetime, until: dt.datetime) -> list[IssuedDocumentNotice]:
    """Documents loaded by operators in [since, until)."""
    documents: QuerySet[Document] = Document.objects.filter(
        issued_at__gte=since, issued_at__lt=until
    ).order_by("issued_at", "pk")
    return [IssuedDocumentNotice(document) for document in documents]
