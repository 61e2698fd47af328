"""Structures factories and the personas of the actor matrix."""

from __future__ import annotations

import random
from dataclasses import dataclass

import factory
from django.contrib.auth.models import Group
from stdnum import luhn

from portal.areas import Mode
from structures import access
from structures.enums import IdentifierType, Role, StructureKind
from structures.models import BankAccount, Membership, Service, Structure
from tests.factories.accounts import UserFactory, with_totp

_rng = random.Random(20261123)  # noqa: S311 - test data, not secrets


def make_siret(prefix: str = "") -> str:
    """A random SIRET that passes the Luhn check (STR-4)."""
    body = prefix + "".join(str(_rng.randint(0, 9)) for _ in range(13 - len(prefix)))
    return body + luhn.calc_check_digit(body)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    identifier_type = IdentifierType.SIRET
    identifier = factory.LazyFunction(make_siret)
    company_name = factory.Sequence(lambda n: f"Entreprise {n}")
    street = "1 rue de la Paix"
    postcode = "75002"
    city = "Paris"
    kind = StructureKind.PRIVEE


class PublicStructureFactory(StructureFactory):
    class Meta:
        skip_postgeneration_save = True

    company_name = factory.Sequence(lambda n: f"Administration {n}")
    kind = StructureKind.PUBLIQUE

    @factory.post_generation
    def received_open(self, create, extracted, **kwargs):
        if create:
            access.open_area(self, "RECEIVED", actor=None)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    structure = factory.SubFactory(PublicStructureFactory)
    code = factory.Sequence(lambda n: f"SERVICE_{n}")
    name = factory.Sequence(lambda n: f"Service {n}")


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    structure = factory.SubFactory(StructureFactory)
    label = "Compte principal"
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPPXXX"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.USER


def attach(user, structure, role=Role.USER, areas: dict | None = None) -> Membership:
    """Attach `user` with `role`, then subscribe them: areas={"ISSUED": "change", ...}."""
    membership = MembershipFactory(user=user, structure=structure, role=role)
    access.grant_default_areas(user, structure, actor=None)
    for code, mode in (areas or {}).items():
        if not access.is_area_open(structure, code):
            access.open_area(structure, code, actor=None)
        access.grant_area(user, structure, code, Mode(mode), actor=None)
    return membership


@dataclass
class Personas:
    structure: Structure  # a private supplier
    other_structure: Structure
    public: Structure  # a public recipient
    main_manager: object
    secondary_manager: object
    simple_view: object  # ISSUED in consultation
    simple_change: object  # ISSUED in modification
    other_user: object  # main manager of another structure
    public_reviewer: object  # RECEIVED in modification on the public structure
    support: object
    unattached: object

    def all(self) -> dict[str, object]:
        return {
            "main_manager": self.main_manager,
            "secondary_manager": self.secondary_manager,
            "simple_view": self.simple_view,
            "simple_change": self.simple_change,
            "other_user": self.other_user,
            "public_reviewer": self.public_reviewer,
            "support": self.support,
            "unattached": self.unattached,
        }


def build_personas() -> Personas:
    structure = StructureFactory(company_name="Fournisseur Démo")
    other = StructureFactory(company_name="Autre Entreprise")
    public = PublicStructureFactory(company_name="Ministère Démo")
    main = UserFactory(email="main@example.test")
    attach(main, structure, Role.MAIN_MANAGER)
    secondary = UserFactory(email="secondary@example.test")
    attach(secondary, structure, Role.SECONDARY_MANAGER)
    simple_view = UserFactory(email="view@example.test")
    attach(simple_view, structure, Role.USER, {"ISSUED": "view"})
    simple_change = UserFactory(email="change@example.test")
    attach(simple_change, structure, Role.USER, {"ISSUED": "change"})
    other_user = UserFactory(email="other@example.test")
    attach(other_user, other, Role.MAIN_MANAGER)
    public_main = UserFactory(email="public-main@example.test")
    attach(public_main, public, Role.MAIN_MANAGER)
    reviewer = UserFactory(email="reviewer@example.test")
    attach(reviewer, public, Role.USER)
    support = UserFactory(email="support@example.test", is_staff=True)
    with_totp(support)  # the admin requires a second factor of staff
    support.groups.add(Group.objects.get_or_create(name="Support")[0])
    unattached = UserFactory(email="unattached@example.test")
    return Personas(
        structure=structure,
        other_structure=other,
        public=public,
        main_manager=main,
        secondary_manager=secondary,
        simple_view=simple_view,
        simple_change=simple_change,
        other_user=other_user,
        public_reviewer=reviewer,
        support=support,
        unattached=unattached,
    )


class LinkRequestFactory(factory.django.DjangoModelFactory):
    """A pending link request (LNK-2)."""

    class Meta:
        model = "structures.LinkRequest"

    requester = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)


class SubscriptionRequestFactory(factory.django.DjangoModelFactory):
    """A pending subscription request (AREA-4); the area must be opened by the caller."""

    class Meta:
        model = "structures.SubscriptionRequest"

    requester = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    area = "TO_VALIDATE"
    mode = Mode.VIEW.value
