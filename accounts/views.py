"""My account (ACCOUNT area) and the request for a new activation link (ACC-4)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import attachments, forms, lockout, services
from accounts.models import AccountAttachment
from invoicing.documents.files import attachment_response
from invoicing.documents.forms import AttachmentForm

try:  # the structures app provides the blocks "Mes rattachements" and "Mes abonnements"
    from structures.templatetags import structures_tags  # noqa: F401

    STRUCTURES_BLOCKS_AVAILABLE = True
except ImportError:
    STRUCTURES_BLOCKS_AVAILABLE = False

BLOCKS = ("personal", "contact", "language", "preferences", "attachments")


def _apply(request, form, action) -> bool:
    """Run a service for a valid form; a domain refusal becomes a form error."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
def my_account(request):
    user = request.user
    locked = services.must_receive_activity_notifications(user)
    data = request.POST if request.method == "POST" else None
    block = request.POST.get("block") if data else None
    bound = {name: data if block == name else None for name in BLOCKS}
    personal = forms.PersonalInfoForm(bound["personal"], instance=user, prefix="personal")
    contact = forms.ContactEmailForm(
        bound["contact"], initial={"contact_email": user.notification_email}, prefix="contact"
    )
    language = forms.LanguageForm(
        bound["language"], initial={"language": user.language}, prefix="language"
    )
    preferences = forms.PreferencesForm(
        bound["preferences"],
        initial={"notify_activity": services.receives_activity_notifications(user)},
        locked=locked,
        prefix="preferences",
    )
    attachment_form = AttachmentForm(
        bound["attachments"], request.FILES if bound["attachments"] else None
    )
    actions = {
        "attachments": (
            attachment_form,
            lambda d: attachments.add_attachment(
                d["file"],
                actor=user,
                designation=d["designation"],
                attachment_type=d["attachment_type"],
            ),
            _("La pièce jointe est ajoutée à votre compte."),
        ),
        "personal": (
            personal,
            lambda d: services.update_personal_info(user, actor=user, **d),
            _("Vos informations personnelles sont enregistrées."),
        ),
        "contact": (
            contact,
            lambda d: services.update_contact_email(user, actor=user, **d),
            _("Votre adresse de contact est enregistrée."),
        ),
        "language": (
            language,
            lambda d: services.set_language(user, d["language"], actor=user),
            _("Votre langue est enregistrée."),
        ),
        "preferences": (
            preferences,
            lambda d: services.set_activity_notifications(
                user, d["notify_activity"] or locked, actor=user
            ),
            _("Vos paramètres sont enregistrés."),
        ),
    }
    if block in actions:
        form, action, done = actions[block]
        if _apply(request, form, action):
            messages.success(request, done)
            return redirect("accounts:my_account")
    elif data is not None:
        messages.error(request, _("Formulaire inconnu."))
    return render(
        request,
        "accounts/my_account.html",
        {
            "personal_form": personal,
            "contact_form": contact,
            "language_form": language,
            "preferences_form": preferences,
            "attachment_form": attachment_form,
            "account_attachments": list(attachments.attachments_of(user)),
            "notifications_locked": locked,
            "mfa_enabled": Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists(),
            "structures_blocks_available": STRUCTURES_BLOCKS_AVAILABLE,
        },
        status=400 if block in actions else 200,
    )


@require_GET
def attachment(request, pk: int):
    """ACC-8: the owner's file, streamed as a download; another user's is a 404."""
    row = get_object_or_404(attachments.attachments_of(request.user), pk=pk)
    return attachment_response(row.path, row.original_name, row.content_type)


@require_POST
def attachment_delete(request, pk: int):
    try:
        attachments.delete_attachment(pk, actor=request.user)
    except AccountAttachment.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("La pièce jointe est supprimée de votre compte."))
    return redirect("accounts:my_account")


@login_not_required
@require_http_methods(["GET", "POST"])
def resend_activation(request):
    """ACC-4: same answer whether the address has an account or not."""
    form = forms.ResendActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resend_activation(form.cleaned_data["email"], request=request)
        messages.info(
            request,
            _(
                "Si un compte en attente d'activation utilise cette adresse, un nouveau lien "
                "d'activation vient d'y être envoyé. Il est valable 60 minutes et remplace "
                "les liens précédents."
            ),
        )
        return redirect("account_login")
    return render(request, "accounts/resend_activation.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def unlock(request, token: str):
    """ACC-6: the link of the lock mail. GET only asks for confirmation (mail scanners follow
    links); POST lifts the lock."""
    if request.method == "POST":
        if lockout.unlock(token):
            messages.success(
                request, _("Votre compte est déverrouillé : vous pouvez vous connecter.")
            )
        else:
            messages.error(
                request,
                _(
                    "Ce lien de déverrouillage n'est plus valable : le verrouillage a pris fin "
                    "ou a déjà été levé."
                ),
            )
        return redirect("account_login")
    return render(request, "accounts/unlock.html", {"token": token})
