"""Load the demo data (idempotent: running it twice changes nothing).

Each seeding module of the demo app exposes `seed(stdout)`; they run in dependency order
inside one transaction. Demo data lives here (`demo/<app>.py`), never in the domain apps.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

SEEDERS = [
    "demo.accounts",
    "demo.structures",
    "demo.invoicing",
    "demo.commitments",
    "demo.api",
    "demo.flows",
    "demo.sollicitations",
]


class Command(BaseCommand):
    help = "Load the demo structures, users and invoices (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for name in SEEDERS:
                import_module(name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
