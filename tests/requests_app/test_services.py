"""SOL-1, SOL-5, SOL-7: creation, routing, numbering, attachments, scoping, events."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from notifications.models import ActivityEvent, EventKind
from requests_app import queries, services
from requests_app.enums import SolStatus
from requests_app.models import Counter, EntryFile, Sollicitation


def test_follow_up_goes_to_the_invoice_recipient_service(world):
    sollicitation = world.follow_up()
    year = timezone.localdate().year
    assert sollicitation.number == f"SOL-{year}-000001"
    assert (sollicitation.addressee_structure, sollicitation.addressee_service) == (
        world.public,
        world.service,
    )
    assert not sollicitation.at_support
    assert sollicitation.status == SolStatus.NOUVELLE
    entry = sollicitation.entries.get()
    assert (entry.action, entry.author, entry.message) == (
        "CREATE",
        world.supplier_user,
        "Bonjour, pouvez-vous me dire où en est le paiement ?",
    )
    assert world.follow_up().number == f"SOL-{year}-000002"


def test_follow_up_without_service_goes_to_the_structure(world):
    world.invoice.recipient_service = None
    world.invoice.save()
    sollicitation = world.follow_up()
    assert (sollicitation.addressee_structure, sollicitation.addressee_service) == (
        world.public,
        None,
    )


@pytest.mark.parametrize(
    ("category", "subcategory"),
    [
        ("PROBLEME_TECHNIQUE", ""),
        ("RACCORDEMENT_EDI_API", ""),
        ("GESTION_STRUCTURES_UTILISATEURS", "NOUVEAU_GESTIONNAIRE_PRINCIPAL"),
    ],
)
def test_other_categories_go_to_the_support_desk(world, category, subcategory):
    sollicitation = services.create(
        actor=world.supplier_user,
        sender_structure=world.supplier,
        category=category,
        subcategory=subcategory,
        subject="Aide",
        message="Bonjour",
        details={"structure_identifier": world.public.identifier, "email": world.public_main.email}
        if subcategory
        else None,
    )
    assert sollicitation.at_support and sollicitation.addressee_structure is None
    assert list(queries.support_queue(world.support)) == [sollicitation]
    assert not queries.received(world.public_main).exists()


def test_refusals_change_nothing(world):
    with pytest.raises(services.SollicitationError):  # an invoice of another structure
        world.follow_up(invoice=world.other_invoice, sender_structure=world.supplier)
    with pytest.raises(services.SollicitationError):  # missing subcategory
        services.create(
            actor=world.supplier_user,
            sender_structure=world.supplier,
            category="GESTION_STRUCTURES_UTILISATEURS",
            subject="Aide",
            message="Bonjour",
        )
    with pytest.raises(services.PermissionDenied):  # not a member of that structure
        services.create(
            actor=world.supplier_user,
            sender_structure=world.other_supplier,
            category="PROBLEME_TECHNIQUE",
            subject="Aide",
            message="Bonjour",
        )
    assert not Sollicitation.objects.exists()
    assert not Counter.objects.filter(last__gt=0).exists()


def test_attachments_follow_the_attachment_rules(world):
    good = SimpleUploadedFile("releve.txt", b"Montant attendu 1200 EUR\n")
    sollicitation = world.follow_up(files=[good])
    stored = EntryFile.objects.get(entry__sollicitation=sollicitation)
    assert stored.original_name == "releve.txt" and stored.size == 25
    for bad, message in (
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "exe ne sont pas acceptés"),
        (SimpleUploadedFile("faux.pdf", b"PK\x03\x04 not a pdf"), "."),
        (SimpleUploadedFile("n" * 51 + ".txt", b"abc"), "50"),
    ):
        with pytest.raises(services.SollicitationError, match=message):
            world.follow_up(files=[bad])
    assert Sollicitation.objects.count() == 1


def test_received_scope_is_that_of_received_invoices(world):
    sollicitation = world.follow_up()
    assert list(queries.received(world.public_main)) == [sollicitation]
    assert list(queries.received(world.service_reviewer)) == [sollicitation]
    assert not queries.received(world.other_service_reviewer).exists()
    assert not queries.received(world.other_public_main).exists()
    assert not queries.received(world.supplier_user).exists()
    assert list(queries.sent(world.supplier_user)) == [sollicitation]
    assert not queries.sent(world.supplier_colleague).exists()
    with pytest.raises(services.PermissionDenied):
        services.open_(sollicitation, actor=world.other_service_reviewer)


def test_not3_events_reach_the_right_side(world):
    sollicitation = world.follow_up()
    created = ActivityEvent.objects.get(kind=EventKind.SOLLICITATION_CREATED)
    assert (created.structure, created.area, created.service, created.user) == (
        world.public,
        "REQUESTS_RECEIVED",
        world.service,
        None,
    )
    services.ask_info(sollicitation, actor=world.service_reviewer, message="Quel bon de commande ?")
    info = ActivityEvent.objects.get(kind=EventKind.SOLLICITATION_INFO_REQUESTED)
    assert (info.structure, info.area, info.user) == (
        world.supplier,
        "REQUESTS_SENT",
        world.supplier_user,
    )
    services.reply(sollicitation, actor=world.supplier_user, message="BC-12")
    services.answer(sollicitation, actor=world.service_reviewer, message="Payée demain")
    assert ActivityEvent.objects.get(kind=EventKind.SOLLICITATION_ANSWERED).user == (
        world.supplier_user
    )
    services.relaunch(sollicitation, actor=world.supplier_user, message="Toujours rien")
    relaunched = ActivityEvent.objects.get(kind=EventKind.SOLLICITATION_RELAUNCHED)
    assert (relaunched.structure, relaunched.user) == (world.public, None)
    assert relaunched.link == f"/sollicitations/recues/{sollicitation.pk}/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_numbering_under_concurrency(world, postgresql):
    """SOL-7 on PostgreSQL: eight creations at once get eight consecutive numbers."""
    numbers: list[str] = []
    errors: list[BaseException] = []

    barrier = threading.Barrier(8)

    def create_one():
        barrier.wait()
        try:
            numbers.append(world.follow_up().number)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    year = timezone.localdate().year
    assert sorted(numbers) == [f"SOL-{year}-{n:06d}" for n in range(1, 9)]


def test_follow_up_only_of_an_invoice_its_recipient_sees_and_from_its_supplier(world):
    world.invoice.status = "DEPOSEE"  # RCV-2: not yet made available to the recipient
    world.invoice.save()
    with pytest.raises(services.SollicitationError):
        world.follow_up()
    world.invoice.status = "MISE_A_DISPOSITION"
    world.invoice.save()
    from structures.enums import Role
    from tests.factories.structures import StructureFactory, attach

    second = StructureFactory()
    attach(world.supplier_user, second, Role.USER)
    fresh = type(world.supplier_user).objects.get(pk=world.supplier_user.pk)
    with pytest.raises(services.SollicitationError, match="structure émettrice"):
        world.follow_up(actor=fresh, sender_structure=second)
    assert not Sollicitation.objects.exists()
