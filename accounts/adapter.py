"""allauth adapter: outbox mails, the per-account lock (ACC-6), technical accounts (ACC-11)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailConfirmation
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template import TemplateDoesNotExist
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from accounts import lockout
from accounts.models import User
from notifications import services as outbox


def outbox_template(template_prefix: str) -> str:
    """allauth's "account/email/password_reset_key" is our "account_password_reset_key"."""
    return template_prefix.replace("/email/", "_").replace("/", "_")


class AccountAdapter(DefaultAccountAdapter):
    # --- Mails: every allauth mail goes through the outbox ---------------------------

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user") or lockout.user_for_login(email)
        language = (
            user.language if isinstance(user, User) and user.language else None
        ) or translation.get_language()
        ctx = {"email": email, "user": user, **context}
        ctx.setdefault("timestamp", timezone.now())
        template = outbox_template(template_prefix)
        try:
            subject, text, html = outbox.render_email(template, ctx, language)
        except TemplateDoesNotExist:
            template, subject, text, html = self._render_allauth(template_prefix, email, ctx)
        outbox.queue_rendered(
            template=template,
            to=email,
            subject=subject,
            body_text=text,
            body_html=html,
            language=language,
            user=user if isinstance(user, User) else None,
        )

    def _render_allauth(self, template_prefix: str, email: str, ctx: dict):
        """A mail we have no template for yet: allauth's own, still through the outbox."""
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            "",
        )
        return template_prefix, message.subject, message.body, html

    def format_email_subject(self, subject: str) -> str:
        return str(subject)

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        # ACC-4: sending a new activation link invalidates the previous ones.
        if isinstance(emailconfirmation, EmailConfirmation) and emailconfirmation.pk:
            EmailConfirmation.objects.filter(email_address=emailconfirmation.email_address).exclude(
                pk=emailconfirmation.pk
            ).delete()
        super().send_confirmation_mail(request, emailconfirmation, signup)

    # --- Sign-up ---------------------------------------------------------------------

    def save_user(self, request, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.contact_email = data.get("contact_email") or ""
        user.phone = data.get("phone") or ""
        language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
        user.language = language if language in dict(settings.LANGUAGES) else "fr"
        if commit:
            user.save()
        return user

    # --- Login: lock after five failures, no technical accounts ------------------------

    def pre_authenticate(self, request, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        login = credentials.get("email")
        user = lockout.user_for_login(login)
        if user is not None and user.is_technical:
            raise ValidationError(technical_account_message(), code="technical_account")
        # The same answer whether the address has an account or not (no enumeration).
        until = lockout.login_locked_until(login)
        if until is not None:
            raise ValidationError(locked_message(until), code="account_locked")

    def authentication_failed(self, request, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        until = lockout.record_failed_login(credentials.get("email"))
        if until is not None:
            raise ValidationError(locked_message(until), code="account_locked")

    def pre_login(self, request, user, **kwargs):
        if getattr(user, "is_technical", False):
            # Also covers logins that skip the password form (e.g. after a reset).
            clear_login(request)
            messages.error(request, technical_account_message())
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    # --- ACC-1: the connection address is final ----------------------------------------

    def can_delete_email(self, email_address) -> bool:
        return False


def locked_message(until) -> str:
    when = formats.date_format(timezone.localtime(until), "TIME_FORMAT")
    return gettext(
        "Votre compte est verrouillé pendant une heure après 5 tentatives de connexion "
        "infructueuses. Réessayez après %(when)s, utilisez le lien de déverrouillage envoyé "
        "à votre adresse de connexion, ou réinitialisez votre mot de passe."
    ) % {"when": when}


def technical_account_message() -> str:
    return gettext(
        "Un compte technique ne peut pas se connecter au portail : il sert uniquement à l'API."
    )
