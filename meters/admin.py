from django.contrib import admin, messages

from meters.models import ClosedPeriod, DeliveryPoint, HourlyVolume, Meter, Reading


class MeterInline(admin.TabularInline):
    model = Meter
    extra = 0
    fields = (
        "number",
        "model",
        "coefficient",
        "digits",
        "decimals",
        "zones",
        "is_automatic",
    )
    show_change_link = True


@admin.register(DeliveryPoint)
class DeliveryPointAdmin(admin.ModelAdmin):
    list_display = ("code", "address", "contract", "voltage_level")
    search_fields = ("code", "address", "contract__number")
    list_filter = ("voltage_level", "contract__branch")
    list_select_related = ("contract", "contract__branch")
    raw_id_fields = ("contract",)
    inlines = (MeterInline,)


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "model",
        "coefficient",
        "digits",
        "zones",
        "is_automatic",
        "delivery_point",
    )
    search_fields = ("number", "model", "delivery_point__contract__number")
    list_filter = ("zones", "is_automatic")
    list_select_related = ("delivery_point",)
    raw_id_fields = ("delivery_point",)


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = (
        "meter",
        "contract",
        "date",
        "zone",
        "value",
        "rollover",
        "source",
        "status",
        "submitted_by",
        "created_at",
    )
    list_filter = ("status", "source", "zone", "rollover")
    search_fields = ("meter__number", "meter__delivery_point__contract__number")
    list_select_related = ("meter", "meter__delivery_point__contract", "submitted_by")
    date_hierarchy = "date"
    raw_id_fields = ("meter", "submitted_by")
    readonly_fields = ("source", "submitted_by", "created_at")
    actions = ("accept", "reject")

    @admin.display(description="договор", ordering="meter__delivery_point__contract__number")
    def contract(self, reading: Reading) -> str:
        return reading.meter.delivery_point.contract.number

    def save_model(self, request, obj, form, change):
        # A reading staff corrected is theirs: the history says so.
        if form.changed_data:
            obj.source = Reading.Source.STAFF
            obj.submitted_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Принять выбранные показания")
    def accept(self, request, queryset):
        count = queryset.update(status=Reading.Status.ACCEPTED)
        self.message_user(request, f"Принято показаний: {count}.", messages.SUCCESS)

    @admin.action(description="Отклонить выбранные показания")
    def reject(self, request, queryset):
        count = queryset.update(status=Reading.Status.REJECTED)
        self.message_user(request, f"Отклонено показаний: {count}.", messages.SUCCESS)


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(admin.ModelAdmin):
    """Closing a month: its readings can no longer be replaced or added from the portal."""

    list_display = ("__str__", "month", "closed_by", "closed_at")
    readonly_fields = ("closed_by", "closed_at")
    date_hierarchy = "month"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.closed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(HourlyVolume)
class HourlyVolumeAdmin(admin.ModelAdmin):
    list_display = ("delivery_point", "date", "hour", "kwh", "source")
    list_select_related = ("delivery_point",)
    list_filter = ("source",)
    search_fields = ("delivery_point__code", "delivery_point__contract__number")
    date_hierarchy = "date"
    raw_id_fields = ("delivery_point",)
    list_per_page = 100
