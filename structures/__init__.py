"""Structures (legal entities), their services, bank details, members and areas.

The root is the domain core: models, enums, `access.py` (the only reader and writer of roles
and area rights), memberships, requests, openings, history. Screens: `core/` (structure data),
`account/` (links and subscriptions of My account), `manager/` (Manager activities),
`directory/` (the public directory)."""
