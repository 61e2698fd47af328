"""In demo mode the login page lists the demo accounts and their shared password (issue 15)."""

from __future__ import annotations

from django.conf import settings

from demo.accounts import DEMO_PASSWORD
from demo.structures import ACCOUNTS, DOMAIN

# Static data, no query: (login, what the account shows).
DEMO_LOGINS = tuple((f"{login}@{DOMAIN}", description) for login, *_r, description in ACCOUNTS) + (
    (
        "support@chorus-demo.test",
        "Support (groupe Support, administration avec double authentification)",
    ),
    ("admin@chorus-demo.test", "Administrateur (administration avec double authentification)"),
)


def demo_accounts(request) -> dict:
    if not settings.DEMO_MODE:
        return {"demo_logins": (), "demo_password": ""}
    return {"demo_logins": DEMO_LOGINS, "demo_password": DEMO_PASSWORD}
