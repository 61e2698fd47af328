"""Print the current two-factor code of the demo staff accounts (admin, support)."""

from django.core.management.base import BaseCommand

from demo.totp import DEMO_TOTP_SECRET, STAFF_LOGINS, current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo staff accounts (valid about 30 seconds)."

    def handle(self, *args, **options):
        self.stdout.write(f"Code for {', '.join(STAFF_LOGINS)}: {current_code()}")
        self.stdout.write(f"(TOTP secret, for an authenticator app: {DEMO_TOTP_SECRET})")
