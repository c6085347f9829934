from django.urls import path

from documents import views
from documents.models import Document

app_name = "documents"


def _section(prefix: str, kind: str, name: str) -> list:
    """A section's list, document page and PDF, all under the section's own prefix."""
    kwargs = {"kind": kind}
    return [
        path(f"{prefix}/", views.document_list, kwargs, name=name),
        path(f"{prefix}/<int:pk>/", views.document_detail, kwargs, name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/pdf/", views.document_pdf, kwargs, name=f"{name}_pdf"),
    ]


urlpatterns = [
    *_section("invoices", Document.Kind.INVOICE, "invoices"),
    *_section("vat-invoices", Document.Kind.VAT_INVOICE, "vat_invoices"),
    *_section("corrections", Document.Kind.CORRECTION, "corrections"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        "reconciliation/pdf/",
        views.reconciliation,
        {"as_pdf": True},
        name="reconciliation_pdf",
    ),
    path("consumption/", views.consumption, name="consumption"),
]
