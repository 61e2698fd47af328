"""Load the demo data (idempotent: running it twice changes nothing).

Each app that has demo data exposes `<app>.demo.seed(stdout)` (invoicing: `demo.invoicing`); they run in dependency order
inside one transaction.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

SEEDERS = [
    "accounts.demo",
    "structures.demo",
    "demo.invoicing",
    "validation.demo",
    "commitments.demo",
]


class Command(BaseCommand):
    help = "Load the demo structures, users and invoices (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for app in SEEDERS:
                try:
                    module = import_module(app)
                except ModuleNotFoundError as exc:
                    if exc.name != app:
                        raise
                    continue
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
