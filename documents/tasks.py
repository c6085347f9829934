"""Background work of the documents app (queue `documents`)."""

from celery import shared_task

from documents import pdf
from documents.models import Document


@shared_task(acks_late=True)
def render_issued_pdf(document_pk: int) -> str | None:
    """Render and store an issued document's PDF; a second run finds it stored and stops."""
    document = (
        Document.objects.select_related("corrects", "contract").filter(pk=document_pk).first()
    )
    return pdf.stored_pdf(document) if document else None
