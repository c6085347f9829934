from django.urls import path

from core.views import under_construction

app_name = "documents"

urlpatterns = [
    path("invoices/", under_construction("Счет на оплату"), name="invoices"),
    path(
        "vat-invoices/",
        under_construction("Счет фактура (реализация)"),
        name="vat_invoices",
    ),
    path(
        "corrections/",
        under_construction("Корректировочный счет-фактура"),
        name="corrections",
    ),
    path("reconciliation/", under_construction("Акт сверки"), name="reconciliation"),
    path(
        "consumption/",
        under_construction("Расшифровка потребления Э/Э"),
        name="consumption",
    ),
]
