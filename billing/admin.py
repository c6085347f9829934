from django.contrib import admin

from billing.models import Branch, Contract, Customer, LedgerEntry


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
    )
    list_filter = ("branch", "price_category", "voltage_level")
    search_fields = ("number", "customer__name", "customer__inn")
    list_select_related = ("branch", "customer")
    autocomplete_fields = ("customer",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "contract",
        "kind",
        "doc_number",
        "debit",
        "credit",
        "source",
    )
    list_filter = ("kind", "source", "contract__branch")
    search_fields = ("doc_number", "contract__number", "contract__customer__inn")
    list_select_related = ("contract", "contract__branch")
    date_hierarchy = "date"
    raw_id_fields = ("contract",)
