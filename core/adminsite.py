"""The portal's admin site: Django's own, whose every model admin speaks grammatical Russian.

Django words its titles and messages around a name in the nominative («Выберите
потребитель для изменения», «Заявка … был успешно изменен», «Удалить выбранные
потребители»). `PortalAdminSite.register` gives each registered ModelAdmin (the apps'
and the third-party ones: auth, axes) the `RussianNames` mixin, which words them with the
forms of core.admin_names; templates/admin/ does the same for the sentences that live in
Django's templates (the add button and breadcrumb, the counts, the delete pages).
"""

import json
from urllib.parse import quote as urlquote

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.admin_names import PERMISSION_ACTIONS, Noun, noun_for


class PortalAdminSite(admin.AdminSite):
    site_header = "ЭССК: администрирование личного кабинета"
    site_title = "ЭССК"
    index_title = "Управление порталом"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, RussianNames):
            admin_class = type(
                admin_class.__name__,
                (RussianNames, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class RussianNames:
    """Titles, messages and actions of a ModelAdmin in the grammatical forms of its name."""

    # --- titles -------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        noun = noun_for(self.model)
        if noun is not None:
            purpose = "изменения" if self.has_change_permission(request) else "просмотра"
            extra_context = {
                "title": f"Выберите {noun.accusative} для {purpose}",
                **(extra_context or {}),
            }
        if request.method == "POST" and "_save" in request.POST:  # list_editable
            request._russian_names = ("bulk_change", None)
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        noun = noun_for(self.model)
        name = self.opts.verbose_name
        defaults = {gettext(text) % name for text in ("Add %s", "Change %s", "View %s")}
        if noun is not None and context.get("title") in defaults:
            if add:
                verb = "Добавить"
            elif self.has_change_permission(request, obj):
                verb = "Изменить"
            else:
                verb = "Просмотреть"
            context["title"] = f"{verb} {noun.accusative}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        noun = noun_for(self.model)
        if noun is not None and context.get("title") != gettext("Delete"):
            context["title"] = f"Не удается удалить {noun.accusative}"
        return super().render_delete_form(request, context)

    # --- messages -------------------------------------------------------------------

    def response_add(self, request, obj, post_url_continue=None):
        request._russian_names = ("add", obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request._russian_names = ("change", obj)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request._russian_names = ("delete", obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        request._russian_names = ("missing", object_id)
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def message_user(
        self, request, message, level=messages.INFO, extra_tags="", fail_silently=False
    ):
        """Django's own messages about this model, said again with the name's forms."""
        noun = noun_for(self.model)
        event = getattr(request, "_russian_names", None)
        if noun is not None and event is not None:
            message = self._russian_message(request, noun, event, level, message) or message
        super().message_user(request, message, level, extra_tags, fail_silently)

    def _russian_message(self, request, noun: Noun, event, level, original):
        kind, subject = event
        name = capfirst(noun.nominative)
        if kind == "missing" and level == messages.WARNING:
            return format_html(
                "{} с ID «{}» не существует. Возможно, {} {} {}.",
                name, subject, _pronoun(noun), noun.was(), noun.past("удален"),
            )  # fmt: skip
        if level != messages.SUCCESS:
            return None
        if kind == "bulk_change":
            count = _leading_number(str(original))
            return None if count is None else _counted_done(noun, count, "изменен")
        if kind == "bulk_delete":
            return _counted_done(noun, subject, "удален")
        if kind == "delete":
            return format_html(
                "{} «{}» {} успешно {}.", name, subject, noun.was(), noun.past("удален")
            )
        if kind not in ("add", "change"):
            return None
        post = request.POST
        added = kind == "add" or "_saveasnew" in post
        done = format_html(
            "{} «{}» {} успешно {}.",
            name, self._linked(request, subject, kind), noun.was(),
            noun.past("добавлен" if added else "изменен"),
        )  # fmt: skip
        if "_continue" in post or "_saveasnew" in post:
            return format_html("{} Ниже можно снова {} изменить.", done, noun.it())
        if "_addanother" in post:
            return format_html("{} Ниже можно добавить {}.", done, noun.another())
        return done

    def _linked(self, request, obj, kind):
        """The object as Django's message shows it: a link to its page where one may edit."""
        if kind == "change":
            return format_html('<a href="{}">{}</a>', urlquote(request.path), obj)
        if self.has_change_permission(request, obj):
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(quote(obj.pk),),
                current_app=self.admin_site.name,
            )
            return format_html('<a href="{}">{}</a>', urlquote(url), obj)
        return str(obj)

    # --- actions, inlines, permissions ---------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        noun = noun_for(self.model)
        if noun is not None and "delete_selected" in actions:
            _, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (
                _delete_selected_in_russian, name, f"Удалить {noun.selected_plural()}"
            )  # fmt: skip
        return actions

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for formset in formsets:
            if noun_for(formset.opts.model) is not None:
                formset.__class__ = RussianInlineAdminFormSet
        return formsets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Permissions offered only for the models the admin shows: no «captcha store»,
        sessions or content types in the list."""
        if db_field.related_model is Permission and "queryset" not in kwargs:
            # A proxy model (accounts' names of django-otp's devices) has permissions of its own.
            shown = ContentType.objects.get_for_models(
                *self.admin_site._registry, for_concrete_models=False
            ).values()
            kwargs["queryset"] = Permission.objects.filter(content_type__in=shown).select_related(
                "content_type"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RussianInlineAdminFormSet(helpers.InlineAdminFormSet):
    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        noun = noun_for(self.opts.model)
        data["options"]["addText"] = f"Добавить {noun.another()}"
        return json.dumps(data)


def _delete_selected_in_russian(modeladmin, request, queryset):
    """Django's «delete selected», its message counted in Russian («Удалено 3 договора»)."""
    request._russian_names = ("bulk_delete", queryset.count())
    return delete_selected(modeladmin, request, queryset)


_delete_selected_in_russian.allowed_permissions = delete_selected.allowed_permissions
_delete_selected_in_russian.short_description = delete_selected.short_description


def _counted_done(noun: Noun, count: int, stem: str) -> str:
    """«Успешно изменена 1 заявка», «Успешно удалено 5 договоров»."""
    form = noun.count_form(count)
    if form == (noun.one or noun.nominative) and noun.gender != "pl":
        verb = noun.past(stem)
    else:
        verb = stem + "о"
    return f"Успешно {verb} {count} {form}."


def _pronoun(noun: Noun) -> str:
    return {"m": "он", "f": "она", "n": "оно", "pl": "они"}[noun.gender]


def _leading_number(text: str) -> int | None:
    digits = ""
    for char in text:
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None


def russian_permission_names(app_config, **kwargs) -> None:
    """post_migrate: the default permissions of `app_config`'s models under Russian names
    («Изменение: договор»); Django stores «Can change договор»."""
    if not app_config.models_module:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _rename_permissions(app_config)


def _rename_permissions(app_config) -> None:
    names = {}  # (content type id, codename) → the Russian name
    for model in app_config.get_models():
        opts = model._meta
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        for action, label in PERMISSION_ACTIONS.items():
            if action in opts.default_permissions:
                key = (content_type.pk, f"{action}_{opts.model_name}")
                names[key] = f"{label}: {opts.verbose_name}"[:255]
    # One read and one write for the app: after a flush every permission is renamed again.
    stale = []
    for permission in Permission.objects.filter(content_type__in={pk for pk, _ in names}):
        name = names.get((permission.content_type_id, permission.codename), permission.name)
        if permission.name != name:
            permission.name = name
            stale.append(permission)
    Permission.objects.bulk_update(stale, ["name"])
