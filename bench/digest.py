"""`python -m bench.digest`: building the daily activity digests at scale (issue 14, NOT-2).

Loads, into the PostgreSQL database of DATABASE_URL (migrated; never a shared one), public
structures of ten managers each (one main, nine secondary: they hold every opened area) and
activity events of yesterday spread over them, then runs `notifications.digest.send_digests`
in batches and reports the time and the SQL queries per batch. The query count of a batch
does not depend on the batch's size: no query per user.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own db> \\
        python -m bench.digest --users 100000 --events 1000000 [--max-batches 20]

The loaded rows are marked (`@bench-digest.invalid` users, `BD` identifiers) and removed
first, so the bench can run again on the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

PER_STRUCTURE = 10
CHUNK = 10_000
AREAS = ("RECEIVED", "ISSUED", "MANAGER", "REQUESTS_RECEIVED")


def load(users: int, events: int) -> None:
    from django.db import connection, transaction

    from accounts.models import User
    from notifications.models import ActivityEvent, Email
    from structures.enums import Role, StructureKind
    from structures.models import Membership, OpenedArea, Structure

    with transaction.atomic():
        Email.objects.filter(to__endswith="@bench-digest.invalid").delete()
        ActivityEvent.objects.filter(structure__identifier__startswith="BD").delete()
        Membership.objects.filter(user__email__endswith="@bench-digest.invalid").delete()
        User.objects.filter(email__endswith="@bench-digest.invalid").delete()
        OpenedArea.objects.filter(structure__identifier__startswith="BD").delete()
        Structure.objects.filter(identifier__startswith="BD").delete()
    count = max(users // PER_STRUCTURE, 1)
    structures = Structure.objects.bulk_create(
        Structure(
            identifier_type="AUTRE",
            identifier=f"BD{n:010d}",
            company_name=f"Structure bench {n}",
            kind=StructureKind.PUBLIQUE,
            street="1 rue du Bench",
            postcode="75001",
            city="Paris",
        )
        for n in range(count)
    )
    OpenedArea.objects.bulk_create(OpenedArea(structure=s, area="RECEIVED") for s in structures)
    people = User.objects.bulk_create(
        (
            User(email=f"u{n}@bench-digest.invalid", notify_activity=True, is_active=True)
            for n in range(count * PER_STRUCTURE)
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(
                user=person,
                structure=structures[n // PER_STRUCTURE],
                role=Role.MAIN_MANAGER if n % PER_STRUCTURE == 0 else Role.SECONDARY_MANAGER,
            )
            for n, person in enumerate(people)
        ),
        batch_size=5000,
    )
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    rng = random.Random(14)
    for first in range(0, events, CHUNK):  # bulk_create lists its input: chunks, not 1M rows
        ActivityEvent.objects.bulk_create(
            ActivityEvent(
                kind="INVOICE_STATUS",
                structure_id=structures[rng.randrange(count)].pk,
                area=rng.choice(AREAS),
                created_at=yesterday.replace(hour=rng.randrange(1, 22), minute=rng.randrange(60)),
                link="/factures/emises/1/",
                params={"number": f"F-{n}", "status": "MISE_A_DISPOSITION"},
            )
            for n in range(first, min(first + CHUNK, events))
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(max_batches: int | None, batch_size: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import digest

    start, end = digest.window(digest.DAILY)
    batches, mails, queries, last = [], 0, [], 0
    recipients = digest.recipients().filter(email__endswith="@bench-digest.invalid")
    started = time.perf_counter()
    while max_batches is None or len(batches) < max_batches:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            users = list(recipients.filter(pk__gt=last)[:batch_size])
            if not users:
                break
            from django.db import transaction

            with transaction.atomic():
                mails += len(digest.build_batch(users, digest.DAILY, start, end))
            batches.append(time.perf_counter() - t0)
        queries.append(len(ctx.captured_queries))
        last = users[-1].pk
    return {
        "batches": len(batches),
        "mails": mails,
        "seconds": time.perf_counter() - started,
        "per_batch_median": sorted(batches)[len(batches) // 2] if batches else 0,
        "queries_per_batch": sorted(set(queries)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--max-batches", type=int, default=None)
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("TESTING", "1")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("DATABASE_URL must point to a PostgreSQL database of your own.", file=sys.stderr)
        return 2
    if not args.no_load:
        t0 = time.perf_counter()
        load(args.users, args.events)
        print(
            f"loaded {args.users} users, {args.events} events in {time.perf_counter() - t0:.0f} s"
        )
    result = measure(args.max_batches, args.batch_size)
    print(
        f"{result['batches']} batches of {args.batch_size} users, {result['mails']} digests built "
        f"in {result['seconds']:.1f} s (median {result['per_batch_median']:.2f} s a batch); "
        f"SQL queries per batch: {result['queries_per_batch']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
