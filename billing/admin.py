"""Staff's tools: customers, contracts, the ledger, key rates and the billing uploads.

Every change made here is recorded by Django's admin log (who, when, what: the
«История» button of each record); ledger entries also carry who created and
last changed them, and an entry on which a document was issued is read-only.
"""

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from billing import services, uploads
from billing.models import (
    Branch,
    Contract,
    Customer,
    ImportBatch,
    KeyRate,
    KeyRateConfirmation,
    LedgerEntry,
    VatRate,
)
from billing.services import credit_payment

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = (
        "branch",
        "number",
        "date",
        "price_category",
        "voltage_level",
        "max_power_kw",
    )
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "inn", "kpp")
    search_fields = ("name", "inn", "contracts__number")
    inlines = (ContractInline,)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="Что загружается", choices=ImportBatch.Kind.choices)
    file = forms.FileField(label="Файл выгрузки (CSV или XLSX)")
    dry_run = forms.BooleanField(label="Только проверить, ничего не записывать", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("Нужен файл CSV или XLSX.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 50 МБ: загрузите его командой на сервере.")
        return upload


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "branch",
        "customer",
        "date",
        "price_category",
        "voltage_level",
        "max_power_kw",
        "consumer_kind",
    )
    list_filter = ("branch", "price_category", "voltage_level", "consumer_kind")
    search_fields = ("number", "customer__name", "customer__inn")
    list_select_related = ("branch", "customer")
    autocomplete_fields = ("customer",)
    # The code is a secret printed on «Счет на оплату»: staff read it and issue a new one.
    readonly_fields = ("registration_code",)
    actions = ("renew_registration_code",)

    @admin.action(description="Выдать новый код регистрации", permissions=["change"])
    def renew_registration_code(self, request, queryset):
        for contract in queryset:
            services.renew_registration_code(contract, staff=request.user, request=request)
        self.message_user(request, f"Выдано новых кодов регистрации: {queryset.count()}.")

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="billing_upload",
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """«Загрузить выгрузку биллинга»: the operators' imports from a browser."""
        if not (request.user.has_perm("billing.add_ledgerentry") and
                request.user.has_perm("billing.add_contract")):  # fmt: skip
            raise PermissionDenied
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                # The import runs in the background (billing.uploads): the answer is at once.
                batch = uploads.submit(
                    form.cleaned_data["file"],
                    form.cleaned_data["kind"],
                    form.cleaned_data["dry_run"],
                    request.user,
                )
                messages.info(
                    request,
                    f"Файл «{batch.file_name}» принят: проверка и загрузка идут в фоне, "
                    "ход и результат — на этой странице.",
                )
                return redirect("admin:billing_importbatch_change", batch.pk)
        else:
            form = ImportUploadForm(initial={"kind": request.GET.get("kind", "contracts")})
        context = {
            **self.admin_site.each_context(request),
            "title": "Загрузка выгрузки биллинга",
            "form": form,
            "opts": self.model._meta,
            "batches": ImportBatch.objects.select_related("user")[:10],
        }
        return render(request, "admin/billing/upload.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "contract",
        "kind",
        "doc_number",
        "debit",
        "credit",
        "purpose",
        "source",
        "is_locked",
        "updated_at",
        "updated_by",
    )
    list_filter = ("kind", "purpose", "source", "is_locked", "contract__branch")
    search_fields = ("doc_number", "contract__number", "contract__customer__inn")
    list_select_related = ("contract", "contract__branch", "updated_by")
    date_hierarchy = "date"
    raw_id_fields = ("contract",)
    audit_fields = (
        "source",
        "is_locked",
        "import_batch",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "correction_link",
    )
    readonly_fields = audit_fields

    @admin.display(description="исправление")
    def correction_link(self, obj: LedgerEntry) -> str:
        if obj is None or obj.pk is None:
            return "—"
        query = urlencode(
            {
                "contract": obj.contract_id,
                "kind": LedgerEntry.Kind.CORRECTION,
                "period": obj.period.isoformat() if obj.period else "",
                "description": f"Корректировка к {obj}",
            }
        )
        url = reverse("admin:billing_ledgerentry_add") + "?" + query
        return format_html('<a href="{}">Создать корректировку к этой записи</a>', url)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            # A document was issued on it: a correction is a new entry.
            return [f.name for f in self.model._meta.fields] + ["correction_link"]
        return self.audit_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        locked = queryset.filter(is_locked=True).count()
        if locked:
            messages.warning(request, f"Не удалено записей с выданными документами: {locked}.")
        super().delete_queryset(request, queryset.filter(is_locked=False))

    def save_model(self, request, obj, form, change):
        if not change and obj.kind == LedgerEntry.Kind.PAYMENT:
            entry = credit_payment(
                obj.contract,
                obj.credit,
                obj.doc_number,
                obj.date,
                user=request.user,
                description=obj.description,
                purpose=obj.purpose,
                request=request,
            )
            # The admin goes on with its own `obj` (history, redirect): it becomes the entry.
            vars(obj).update(vars(entry))
            return
        if not change:
            obj.created_by = request.user
            obj.source = LedgerEntry.Source.STAFF
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(KeyRate)
class KeyRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "rate")
    date_hierarchy = "valid_from"


@admin.register(KeyRateConfirmation)
class KeyRateConfirmationAdmin(admin.ModelAdmin):
    """«Ставки подтверждены по»: penalties are never computed past the latest such day."""

    list_display = ("confirmed_to", "source", "created_at", "created_by")
    readonly_fields = ("created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "rate")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("started_at", "kind", "file_name", "status", "rows_checked", "user",
                    "operator", "created", "updated", "unchanged")  # fmt: skip
    list_filter = ("kind", "status")
    list_select_related = ("user",)
    fields = ("kind", "file_name", "user", "operator", "dry_run", "status", "started_at",
              "finished_at", "rows_checked", "created", "updated", "unchanged", "report")  # fmt: skip
    # While the upload runs, its page reloads itself (admin/billing/importbatch/change_form.html).
    change_form_template = "admin/billing/importbatch/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
