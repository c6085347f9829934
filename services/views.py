from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core import files
from core.access import contract_required
from services import notifications
from services.forms import FORMS_BY_KIND, KIND_SLUGS, NotificationPreferenceForm
from services.models import Attachment, NotificationPreference, RequestKind, ServiceRequest
from services.uploads import SizeLimitUploadHandler
from services.workflow import file_request

REQUESTS_ON_INDEX = 5


def _get_request_for_contract(request: HttpRequest, pk: int) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.select_related("meter__delivery_point", "author__membership"),
        pk=pk,
        contract=request.contract,
    )


def _requests_for_contract(request: HttpRequest):
    return ServiceRequest.objects.filter(contract=request.contract).select_related(
        "meter", "author__membership"
    )


@contract_required
def index(request: HttpRequest) -> HttpResponse:
    """«Дополнительные услуги»: every service of the cabinet and the requests."""
    recent = _requests_for_contract(request)[:REQUESTS_ON_INDEX]
    return render(
        request,
        "services/index.html",
        {"title": "Дополнительные услуги", "recent": recent, "kinds": RequestKind},
    )


@contract_required
def request_list(request: HttpRequest) -> HttpResponse:
    """«Мои заявки»: the contract's requests, newest first."""
    return render(
        request,
        "services/request_list.html",
        {"title": "Мои заявки", "requests": _requests_for_contract(request)},
    )


@contract_required
def request_new(request: HttpRequest) -> HttpResponse:
    """«Подать заявку»: the choice of kind."""
    return render(
        request, "services/request_new.html", {"title": "Подать заявку", "kinds": RequestKind}
    )


@csrf_exempt
def request_create(request: HttpRequest, kind: str) -> HttpResponse:
    # The size limit must be in place before anything reads the body, and the
    # CSRF check reads it: so CSRF is checked in the inner view instead.
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _request_create(request, kind)


@csrf_protect
@contract_required
def _request_create(request: HttpRequest, kind: str) -> HttpResponse:
    """The form of one request kind; on success the request's page."""
    if kind not in KIND_SLUGS:
        raise Http404
    form_class = FORMS_BY_KIND[kind]
    if request.method == "POST":
        form = form_class(
            request.POST,
            request.FILES,
            contract=request.contract,
            oversized=getattr(request, "oversized_uploads", ()),
        )
        if form.is_valid():
            service_request = file_request(
                request.contract,
                request.user,
                kind,
                form.request_fields(),
                form.cleaned_data["attachments"],
            )
            messages.success(
                request,
                f"Заявка № {service_request.number} принята. О смене статуса сообщим по e-mail.",
            )
            return redirect(service_request)
    else:
        form = form_class(contract=request.contract)
    kind_label = KIND_SLUGS[kind].label
    return render(
        request,
        "services/request_form.html",
        {"title": f"Заявка: {kind_label}", "form": form, "kind_label": kind_label},
    )


@contract_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what was asked, its history with staff comments, its files."""
    service_request = _get_request_for_contract(request, pk)
    return render(
        request,
        "services/request_detail.html",
        {
            "title": f"Заявка № {service_request.number}",
            "service_request": service_request,
            "history": service_request.history.all(),
            "attachments": service_request.attachments.all(),
        },
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A request's file: staff who may view requests see any, a customer's person only
    those of the chosen contract, through the cabinet's access check."""
    if request.user.has_perm("services.view_attachment"):
        return _send_attachment(get_object_or_404(Attachment, pk=attachment_pk, request_id=pk))
    if request.user.is_staff:
        raise Http404
    return _customer_attachment_download(request, pk, attachment_pk)


@contract_required
def _customer_attachment_download(request: HttpRequest, pk: int, attachment_pk: int):
    attachment = get_object_or_404(
        Attachment, pk=attachment_pk, request_id=pk, request__contract=request.contract
    )
    return _send_attachment(attachment)


def _send_attachment(attachment: Attachment) -> HttpResponse:
    """Always as a download and never sniffed into something else."""
    try:
        return files.download(
            attachment.file.name, attachment.original_name, attachment.content_type
        )
    except FileNotFoundError as missing:
        raise Http404 from missing


@contract_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """«Уведомления»: which e-mails the user wants."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    preference = preference or NotificationPreference(user=request.user)
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            form.save()
            messages.success(request, "Настройки уведомлений сохранены.")
            return redirect("services:notifications")
    else:
        form = NotificationPreferenceForm(instance=preference)
    return render(
        request,
        "services/notifications.html",
        {"title": "Уведомления по e-mail", "form": form, "email": request.user.email},
    )


@never_cache
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification: no login, the signed token is the proof.

    GET only asks (mail scanners follow links); POST switches the kind off —
    from our button or from a mail client's one-click (RFC 8058), hence no CSRF.
    """
    try:
        user_id, kind = notifications.read_unsubscribe_token(token)
    except signing.BadSignature as bad:
        raise Http404 from bad
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    label = notifications.NotificationKind(kind).label
    done = False
    if request.method == "POST":
        preference, _ = NotificationPreference.objects.get_or_create(user=user)
        setattr(preference, kind, False)
        preference.save(update_fields=(kind, "updated_at"))
        done = True
    return render(
        request,
        "services/unsubscribe.html",
        {"title": "Отписка от уведомлений", "label": label, "done": done},
    )
