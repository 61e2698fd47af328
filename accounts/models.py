"""User accounts: the e-mail is the login (adresse de connexion) and is final (ACC-1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.documents.stored_model import DescribedFile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail (connection address) is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("Adresse de connexion"), unique=True)
    contact_email = models.EmailField(
        _("Adresse de contact"),
        blank=True,
        help_text=_("Reçoit les notifications d'activité. Par défaut, l'adresse de connexion."),
    )
    first_name = models.CharField(_("Prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("Nom"), max_length=150, blank=True)
    phone = models.CharField(_("Téléphone"), max_length=30, blank=True)
    language = models.CharField(
        _("Langue"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    notify_activity = models.BooleanField(
        _("Recevoir les notifications périodiques d'activité"), default=False
    )
    is_staff = models.BooleanField(_("Accès à l'administration"), default=False)
    is_active = models.BooleanField(_("Actif"), default=True)
    is_technical = models.BooleanField(_("Compte technique"), default=False)
    date_joined = models.DateTimeField(_("Inscrit le"), default=timezone.now)
    # "Dernière connexion le …" shows the login before the current one.
    previous_login = models.DateTimeField(_("Connexion précédente"), null=True, blank=True)
    # ACC-6: five consecutive failures lock the account for one hour.
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def notification_email(self) -> str:
        """ACC-2: activity notifications go to the contact address."""
        return self.contact_email or self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_email = instance.__dict__.get("email")
        return instance

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        stored = getattr(self, "_stored_email", None)
        if self.pk and stored and self.email != stored:
            # ACC-1: the connection address is final, whatever code path tries to change it.
            raise ValidationError(
                _("L'adresse de connexion est définitive : elle ne peut pas être modifiée."),
                code="connection_address_final",
            )
        if not self.contact_email:
            self.contact_email = self.email
        super().save(*args, **kwargs)
        self._stored_email = self.email


class AccountAttachment(DescribedFile):
    """ACC-8: a file kept on the user's account ("Pièces jointes" block); only its owner
    sees it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_attachments"
    )

    class Meta:
        verbose_name = _("pièce jointe du compte")
        verbose_name_plural = _("pièces jointes du compte")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="account_attachment_owner")
        ]

    def get_download_url(self) -> str:
        return reverse("accounts:attachment", args=[self.pk])

    def get_delete_url(self) -> str:
        return reverse("accounts:attachment_delete", args=[self.pk])
