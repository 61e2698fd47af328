"""`python -m bench.scale load`: a national-scale data set, streamed into PostgreSQL by COPY.

Rows are generated in Python one at a time and written to `cursor.copy` in ~1 MB chunks
(never a list of all rows). Column lists come from the models' `_meta`, so every column the
generators do not set gets the model's default (or NULL / '' when blank is allowed): a
NOT NULL column without a default and without a generator stops the load with its name.

What is loaded (default sizes):
- structures (150,000, 10 % public), valid SIRETs (Luhn); RECEIVED opened on every public
  structure (AREA-1), so they are in the directory;
- services: 5 on the big State recipient, one on every other public structure out of two;
- users: the personas, plus a main manager on one structure out of five;
- invoices (2,000,000) across every status and the phase-1 frames, ~3 history rows each;
  the State recipient (structure 1) receives `--big-recipient` of them (15 % of the
  invoices by default: 300,000) over its 5 services; the big supplier (structure 2) issues
  `--big-supplier` (2.5 %: 50,000) and validates the A9/A12 invoices of its subcontractors;
  the rest goes to a long tail of suppliers and recipients;
- commitments (1 per 40 invoices), a quarter of them published by the State recipient,
  whose invoices quote their numbers.

The personas' rights are granted with `structures.access` (open_area / grant_area).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import time
from collections.abc import Iterator
from decimal import Decimal

PERSONA_RECIPIENT = "bench-destinataire@bench-scale.invalid"
PERSONA_SUPPLIER = "bench-fournisseur@bench-scale.invalid"
PERSONA_PASSWORD = "bench-scale-Mot-de-passe-2026"  # noqa: S105 - a bench database only
STATE_ID = 1
BIG_SUPPLIER_ID = 2
STATE_SERVICES = 5
CHUNK_BYTES = 1 << 20
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
EPOCH = NOW - dt.timedelta(days=3 * 365)

CITIES = [
    ("75001", "Paris"), ("13001", "Marseille"), ("69001", "Lyon"), ("31000", "Toulouse"),
    ("06000", "Nice"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("34000", "Montpellier"),
    ("33000", "Bordeaux"), ("59000", "Lille"), ("35000", "Rennes"), ("51100", "Reims"),
    ("76600", "Le Havre"), ("42000", "Saint-Étienne"), ("83000", "Toulon"), ("38000", "Grenoble"),
    ("21000", "Dijon"), ("49000", "Angers"), ("30000", "Nîmes"), ("63000", "Clermont-Ferrand"),
    ("72000", "Le Mans"), ("29200", "Brest"), ("37000", "Tours"), ("80000", "Amiens"),
    ("87000", "Limoges"), ("74000", "Annecy"), ("66000", "Perpignan"), ("57000", "Metz"),
    ("25000", "Besançon"), ("45000", "Orléans"), ("14000", "Caen"), ("68100", "Mulhouse"),
]  # fmt: skip
PRIVATE_WORDS = [
    "Conseil", "Bâtiment", "Informatique", "Nettoyage", "Transports", "Restauration",
    "Fournitures", "Ingénierie", "Sécurité", "Maintenance", "Énergie", "Formation",
    "Imprimerie", "Médical", "Travaux", "Logistique", "Études", "Espaces verts",
]  # fmt: skip
PRIVATE_FORMS = ["SAS", "SARL", "SA", "EURL", "SASU", "SCOP"]
SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
]  # fmt: skip
PUBLIC_KINDS = [
    "Commune de", "Centre hospitalier de", "Lycée de", "Collège de", "Communauté de communes de",
    "Centre communal d'action sociale de", "Syndicat des eaux de", "Office public de l'habitat de",
    "Préfecture de", "Université de",
]  # fmt: skip
STREETS = ["rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "rue Pasteur",
           "place de la Mairie", "rue du Général de Gaulle", "allée des Tilleuls"]  # fmt: skip

# Status weights (per mille) of invoices deposited without validation (A1, A2) and with it
# (A9, A12: DOMAIN §5.6); every status of InvoiceStatus is produced.
PLAIN_STATUSES = {
    "BROUILLON": 30, "DEPOSEE": 4, "MISE_A_DISPOSITION": 70, "PRISE_EN_COMPTE_DESTINATAIRE": 60,
    "SUSPENDUE": 20, "COMPLETEE": 10, "A_RECYCLER": 8, "REJETEE": 30, "SERVICE_FAIT": 50,
    "MANDATEE": 40, "MISE_A_DISPOSITION_COMPTABLE": 30, "COMPTABILISEE": 40,
    "MISE_EN_PAIEMENT": 608,
}  # fmt: skip
VALIDATION_STATUSES = {
    "BROUILLON": 30, "A_VALIDER_1": 120, "VALIDEE_1": 10, "REFUSEE_1": 40,
    "ABSENCE_VALIDATION_1_HORS_DELAI": 10, "MISE_A_DISPOSITION": 60,
    "PRISE_EN_COMPTE_DESTINATAIRE": 50, "SUSPENDUE": 15, "REJETEE": 25, "SERVICE_FAIT": 40,
    "MANDATEE": 30, "COMPTABILISEE": 30, "MISE_EN_PAIEMENT": 540,
}  # fmt: skip
# The history each status implies: (status, transition), oldest first; ~3 rows are kept.
_TAIL = {
    "MISE_A_DISPOSITION": [("MISE_A_DISPOSITION", "T4")],
    "PRISE_EN_COMPTE_DESTINATAIRE": [("MISE_A_DISPOSITION", "T4"), ("PRISE_EN_COMPTE_DESTINATAIRE", "T9")],
    "SUSPENDUE": [("MISE_A_DISPOSITION", "T4"), ("SUSPENDUE", "T10")],
    "COMPLETEE": [("MISE_A_DISPOSITION", "T4"), ("SUSPENDUE", "T10"), ("COMPLETEE", "T15")],
    "A_RECYCLER": [("MISE_A_DISPOSITION", "T4"), ("A_RECYCLER", "T11")],
    "REJETEE": [("MISE_A_DISPOSITION", "T4"), ("REJETEE", "T12")],
    "SERVICE_FAIT": [("MISE_A_DISPOSITION", "T4"), ("SERVICE_FAIT", "T13")],
    "MANDATEE": [("MISE_A_DISPOSITION", "T4"), ("MANDATEE", "T13")],
    "MISE_A_DISPOSITION_COMPTABLE": [("MISE_A_DISPOSITION", "T4"), ("MISE_A_DISPOSITION_COMPTABLE", "T13")],
    "COMPTABILISEE": [("MISE_A_DISPOSITION", "T4"), ("COMPTABILISEE", "T13")],
    "MISE_EN_PAIEMENT": [("MISE_A_DISPOSITION", "T4"), ("MISE_EN_PAIEMENT", "T13")],
}  # fmt: skip
ROLE_OF_TRANSITION = {
    "T1": "FOURNISSEUR", "T2": "FOURNISSEUR", "T3": "FOURNISSEUR", "T4": "SYSTEME",
    "T5": "VALIDATEUR", "T6": "VALIDATEUR", "T7": "SYSTEME", "T8": "SYSTEME",
    "T9": "DESTINATAIRE", "T10": "DESTINATAIRE", "T11": "DESTINATAIRE", "T12": "DESTINATAIRE",
    "T13": "DESTINATAIRE", "T15": "FOURNISSEUR",
}  # fmt: skip
OPEN_STATUSES = {"MISE_A_DISPOSITION", "PRISE_EN_COMPTE_DESTINATAIRE", "SUSPENDUE", "COMPLETEE",
                 "A_VALIDER_1", "DEPOSEE", "A_RECYCLER", "BROUILLON"}  # fmt: skip


def history(status: str, validated: bool) -> list[tuple[str, str]]:
    if status == "BROUILLON":
        return [("BROUILLON", "T1")]
    start = [("BROUILLON", "T1")]
    if validated:
        start.append(("A_VALIDER_1", "T3"))
        decision = {"VALIDEE_1": "T5", "REFUSEE_1": "T6", "ABSENCE_VALIDATION_1_HORS_DELAI": "T7"}
        if status in decision:
            return [*start, (status, decision[status])][-3:]
        if status == "A_VALIDER_1":
            return start
        start += [("VALIDEE_1", "T5"), ("DEPOSEE", "T8")]
    else:
        start.append(("DEPOSEE", "T2"))
    if status == "DEPOSEE":
        return start[-3:]
    return [*start, *_TAIL[status]][-3:]


# --- COPY text format ------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def esc(value: str) -> str:
    return value.translate(_ESCAPES)


def ts(value: dt.datetime) -> str:
    return value.isoformat()


def due_date(deposited: dt.datetime) -> str:
    """The stored due date (DOMAIN §5.10): the deposit's day in Paris + the default period
    (the loaded structures keep the default 30 days)."""
    from invoicing.models import payment_due_date

    return payment_due_date(deposited, 30).isoformat()


def to_text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return esc(str(value))


class Table:
    """COPY of one model's table: the generator yields the varying columns only."""

    def __init__(self, model, columns: list[str]):
        from django.db.models import NOT_PROVIDED

        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.all_columns = [field.column for field in fields]
        unknown = set(columns) - set(self.all_columns)
        if unknown:
            raise SystemExit(f"{self.name}: no column {sorted(unknown)} (did the model change?)")
        template = []
        for field in fields:
            if field.column in columns:
                template.append(None)
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                template.append(ts(NOW))
            elif field.default is not NOT_PROVIDED:
                default = field.get_default()
                template.append(to_text(field.get_db_prep_save(default, connection=_conn())))
            elif field.null:
                template.append(NULL)
            elif field.blank and field.get_internal_type() in (
                "CharField",
                "TextField",
                "EmailField",
            ):
                template.append("")
            else:
                raise SystemExit(
                    f"{self.name}.{field.column} is NOT NULL without a default: "
                    "bench/scale/loader.py must generate it"
                )
        self.template = template
        self.slots = [self.all_columns.index(column) for column in columns]
        self.rows = 0

    def line(self, values) -> str:
        row = self.template.copy()
        for slot, value in zip(self.slots, values, strict=True):
            row[slot] = value
        self.rows += 1
        return "\t".join(row) + "\n"

    def copy_sql(self) -> str:
        columns = ", ".join(f'"{column}"' for column in self.all_columns)
        return f'COPY "{self.name}" ({columns}) FROM STDIN'


def _conn():
    from django.db import connection

    return connection


class Stream:
    """One COPY on its own connection, fed in ~1 MB chunks."""

    def __init__(self, pg, table: Table):
        self.table = table
        self.cursor = pg.cursor()
        self.copy_cm = self.cursor.copy(table.copy_sql())
        self.copy = self.copy_cm.__enter__()
        self.buffer: list[str] = []
        self.size = 0

    def write(self, values) -> None:
        line = self.table.line(values)
        self.buffer.append(line)
        self.size += len(line)
        if self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write("".join(self.buffer).encode())
            self.buffer, self.size = [], 0

    def close(self) -> None:
        self.flush()
        self.copy_cm.__exit__(None, None, None)
        self.cursor.close()


# --- Database guards --------------------------------------------------------------------

NAME_RE = re.compile(r"^bench_scale[a-z0-9_]*$")


def bench_database() -> dict:
    """The DATABASE_URL's settings, refused unless PostgreSQL and named bench_scale*."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("DATABASE_URL is not set (postgres://…/bench_scale)")
    settings = dj_database_url.parse(url)
    if "postgresql" not in settings["ENGINE"]:
        raise SystemExit(f"The scale benchmark runs on PostgreSQL only, not {settings['ENGINE']}")
    if not NAME_RE.match(settings["NAME"] or ""):
        raise SystemExit(
            f"Refusing database {settings['NAME']!r}: its name must start with bench_scale "
            "(lower case letters, digits and _)."
        )
    return settings


def conninfo(settings: dict, dbname: str | None = None) -> str:
    from psycopg.conninfo import make_conninfo

    parts = {
        "dbname": dbname or settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": str(settings["PORT"]) if settings.get("PORT") else None,
    }
    return make_conninfo(**{k: v for k, v in parts.items() if v})


def ensure_database(settings: dict, *, reset: bool) -> None:
    import psycopg
    from psycopg import sql

    name = settings["NAME"]
    with psycopg.connect(conninfo(settings, "postgres"), autocommit=True) as pg:
        exists = pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            print(f"Dropping database {name}")
            pg.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            print(f"Creating database {name}")
            pg.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(settings: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo(settings, "postgres"), autocommit=True) as pg:
        pg.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(settings["NAME"])
            )
        )


def invoice_count(settings: dict) -> int:
    """Invoices already loaded (0 for a missing database or table)."""
    import psycopg

    try:
        with psycopg.connect(conninfo(settings), autocommit=True) as pg:
            row = pg.execute("SELECT to_regclass('invoicing_invoice') IS NOT NULL").fetchone()
            if not row[0]:
                return 0
            return pg.execute("SELECT count(*) FROM invoicing_invoice").fetchone()[0]
    except psycopg.OperationalError:
        return 0


# --- Secondary indexes and foreign keys of the big tables, dropped during COPY ------------


def detach_indexes(pg, table: str) -> list[str]:
    """Drops the foreign keys and secondary indexes of `table`; returns the SQL recreating
    them (indexes first, then the constraints), exactly as the migrations made them."""
    recreate_constraints = []
    for name, definition in pg.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
        [table],
    ).fetchall():
        recreate_constraints.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        pg.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    recreate_indexes = []
    for name, definition in pg.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
        [table],
    ).fetchall():
        recreate_indexes.append(definition)
        pg.execute(f'DROP INDEX "{name}"')
    return recreate_indexes + recreate_constraints


# --- Data generation --------------------------------------------------------------------


def siret(index: int) -> str:
    """A unique SIRET per index (a bijection on SIRENs), valid by the Luhn check (STR-4)."""
    from stdnum import luhn

    siren = 100_000_000 + (index * 7919 + 12_345) % 899_999_999
    if str(siren).startswith("356"):  # La Poste's SIREN has its own rule (STR-4)
        siren += 1_000_000
    body = f"{siren:09d}{(index % 97) + 1:04d}"
    return body + luhn.calc_check_digit(body)


class Plan:
    def __init__(self, invoices, structures, big_recipient, big_supplier, seed=2026):
        self.invoices = invoices
        self.structures = max(structures, 20)
        self.public = max(5, self.structures // 10)  # ids 1..public (1 = the State recipient)
        self.big_recipient = min(
            big_recipient if big_recipient is not None else round(invoices * 0.15), invoices // 2
        )
        self.big_supplier = min(
            big_supplier if big_supplier is not None else round(invoices * 0.025), invoices // 4
        )
        self.commitments = max(20, invoices // 40)
        self.state_commitments = max(10, self.commitments // 4)
        self.rng = random.Random(seed)


def structure_rows(plan: Plan, info: dict) -> Iterator[list[str]]:
    rng = plan.rng
    for sid in range(1, plan.structures + 1):
        public = sid <= plan.public and sid != BIG_SUPPLIER_ID
        postcode, city = CITIES[sid % len(CITIES)]
        if sid == STATE_ID:
            name = "Ministère de l'Économie et des Finances (bench)"
        elif sid == BIG_SUPPLIER_ID:
            name = "Grand Fournisseur National SAS (bench)"
        elif public:
            name = f"{PUBLIC_KINDS[sid % len(PUBLIC_KINDS)]} {city} {sid}"
        else:
            name = (
                f"{rng.choice(SURNAMES)} {rng.choice(PRIVATE_WORDS)} "
                f"{rng.choice(PRIVATE_FORMS)} {sid}"
            )
        identifier = siret(sid)
        street = f"{1 + sid % 120} {STREETS[sid % len(STREETS)]}"
        info["ident"].append(identifier)
        info["name"].append(esc(name))
        info["address"].append(esc(f"{street}\n{postcode} {city}"))
        yield [
            str(sid), "SIRET", identifier, esc(name), "PUBLIQUE" if public else "PRIVEE",
            esc(street), postcode, esc(city), ts(EPOCH - dt.timedelta(days=sid % 900)),
        ]  # fmt: skip


STRUCTURE_COLUMNS = ["id", "identifier_type", "identifier", "company_name", "kind", "street",
                     "postcode", "city", "created_at"]  # fmt: skip


def service_rows(plan: Plan, services_of: dict) -> Iterator[list[str]]:
    service_id = 0
    for sid in range(1, plan.public + 1):
        if sid == BIG_SUPPLIER_ID:
            continue
        count = STATE_SERVICES if sid == STATE_ID else (1 if sid % 2 else 0)
        for n in range(count):
            service_id += 1
            services_of.setdefault(sid, []).append(
                (service_id, f"SERV-{n + 1:02d}", f"Service {n + 1}")
            )
            yield [str(service_id), str(sid), f"SERV-{n + 1:02d}", f"Service {n + 1}",
                   ts(EPOCH)]  # fmt: skip


SERVICE_COLUMNS = ["id", "structure_id", "code", "name", "created_at"]


def manager_rows(plan: Plan, password_hash: str, first_user_id: int) -> Iterator[list[str]]:
    user_id = first_user_id
    for sid in range(1, plan.structures + 1, 5):
        yield [str(user_id), f"gestionnaire-{sid}@bench-scale.invalid", password_hash,
               f"gestionnaire-{sid}@bench-scale.invalid", ts(EPOCH)]  # fmt: skip
        user_id += 1


USER_COLUMNS = ["id", "email", "password", "contact_email", "date_joined"]


def invoice_rows(plan: Plan, info: dict, services_of: dict, state_commitments: list[str],
                 supplier_user: int) -> Iterator[tuple[list[str], list[list[str]]]]:  # fmt: skip
    """(invoice row, its history rows)."""
    rng = plan.rng
    rnd = rng.random
    plain = list(PLAIN_STATUSES), list(PLAIN_STATUSES.values())
    validation = list(VALIDATION_STATUSES), list(VALIDATION_STATUSES.values())
    cum_plain = _cumulative(plain[1])
    cum_validation = _cumulative(validation[1])
    private_ids = plan.structures - plan.public  # ids public+1..structures, plus the big supplier
    public_ids = plan.public - 2  # ids 3..public
    # Who gets what: big recipient first, then the big supplier, then the long tail.
    span = (NOW - EPOCH).total_seconds()
    event_id = 0
    ident, name, address = info["ident"], info["name"], info["address"]
    for invoice_id in range(1, plan.invoices + 1):
        if invoice_id <= plan.big_recipient:
            recipient = STATE_ID
            supplier = (
                BIG_SUPPLIER_ID
                if rnd() < 0.02
                else plan.public + 1 + int(private_ids * rnd() ** 2.5)
            )
        elif invoice_id <= plan.big_recipient + plan.big_supplier:
            supplier = BIG_SUPPLIER_ID
            recipient = 3 + int(public_ids * rnd() ** 1.5)
        else:
            supplier = plan.public + 1 + int(private_ids * rnd() ** 2.5)
            recipient = 3 + int(public_ids * rnd() ** 2.0)
        if supplier > plan.structures:
            supplier = plan.structures
        r = rnd()
        if r < 0.10:  # A9 / A12: the main contractor validates (the big supplier for 30 %)
            frame = "A9_FACTURE_SOUSTRAITANT" if r < 0.06 else "A12_FACTURE_COTRAITANT"
            validator = (
                BIG_SUPPLIER_ID
                if rnd() < 0.3
                else min(plan.structures, plan.public + 1 + int(private_ids * rnd() ** 2))
            )
        elif r < 0.15:
            frame, validator = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", None
        else:
            frame, validator = "A1_FACTURE_FOURNISSEUR", None
        if validator == supplier:
            frame, validator = "A1_FACTURE_FOURNISSEUR", None
        if validator:
            statuses, cum = validation[0], cum_validation
        else:
            statuses, cum = plain[0], cum_plain
        status = statuses[_pick(cum, rnd())]
        # Open invoices are recent; finished ones spread over three years. An invoice waits
        # for its validator 15 days at most (VAL-5: the hourly sweep validates it tacitly).
        if status == "A_VALIDER_1":
            deposited = NOW - dt.timedelta(seconds=rnd() * 14 * 86400)
        elif status in OPEN_STATUSES:
            deposited = NOW - dt.timedelta(seconds=rnd() * 120 * 86400)
        else:
            deposited = EPOCH + dt.timedelta(seconds=rnd() * (span - 30 * 86400))
        deposited = deposited.replace(microsecond=0)
        invoice_date = (deposited - dt.timedelta(days=int(rnd() * 20))).date()
        ht = Decimal(round(math.exp(rng.gauss(7.0, 1.6)), 2)).quantize(Decimal("0.01"))
        if ht < 1:
            ht = Decimal("1.00")
        tva = (ht * Decimal("0.2")).quantize(Decimal("0.01"))
        ttc = ht + tva
        service = NULL
        service_code = service_name = ""
        choices = services_of.get(recipient)
        if choices:
            service_id, service_code, service_name = choices[invoice_id % len(choices)]
            service = str(service_id)
        engagement = ""
        if recipient == STATE_ID and state_commitments and rnd() < 0.6:
            engagement = state_commitments[invoice_id % len(state_commitments)]
        draft = status == "BROUILLON"
        events = history(status, validator is not None)
        moments = [deposited + dt.timedelta(hours=6 * k + rnd() * 5) for k in range(len(events))]
        moments = [min(moment, NOW) for moment in moments]
        changed = moments[-1].replace(microsecond=0)
        rows = []
        for (event_status, transition), moment in zip(events, moments, strict=True):
            event_id += 1
            rows.append([str(event_id), str(invoice_id), event_status, transition,
                         ROLE_OF_TRANSITION.get(transition, "SYSTEME"), ts(moment)])  # fmt: skip
        # LIF-6: suppliers acknowledge rejections and suspensions; only the last week's wait.
        acknowledged = NULL
        if status in ("REJETEE", "SUSPENDUE") and changed < NOW - dt.timedelta(days=7):
            acknowledged = ts(changed + dt.timedelta(days=1 + int(rnd() * 5)))
        s, rcp = supplier - 1, recipient - 1
        yield (
            [
                str(invoice_id), str(supplier), str(recipient), service,
                str(validator) if validator else NULL, frame, status,
                f"F{invoice_date.year}-{invoice_id:08d}", invoice_date.isoformat(),
                str(invoice_date.year), "VIREMENT", engagement,
                str(ht), str(tva), str(ttc), str(ttc),
                "" if draft else "DEPOT_PDF_PORTAIL", "" if draft else "PDF_NON_SIGNE",
                ident[s], "SIRET", name[s], address[s],
                ident[rcp], name[rcp], address[rcp], service_code, service_name,
                ident[validator - 1] if validator else "", name[validator - 1] if validator else "",
                str(supplier_user) if supplier == BIG_SUPPLIER_ID else NULL,
                ts(deposited), ts(changed), NULL if draft else ts(deposited), ts(changed),
                acknowledged, NULL if draft else due_date(deposited),
            ],
            rows,
        )  # fmt: skip


INVOICE_COLUMNS = [
    "id", "supplier_id", "recipient_id", "recipient_service_id", "validator_id", "frame",
    "status", "number", "invoice_date", "invoice_year", "payment_mode", "engagement_number",
    "amount_ht", "amount_tva", "amount_ttc", "amount_to_pay", "deposit_mode", "deposit_format",
    "supplier_identifier", "supplier_identifier_type", "supplier_name", "supplier_address",
    "recipient_identifier", "recipient_name", "recipient_address", "recipient_service_code",
    "recipient_service_name", "validator_identifier", "validator_name", "created_by_id",
    "created_at", "updated_at", "deposited_at", "status_changed_at", "acknowledged_at",
    "due_date",
]  # fmt: skip
EVENT_COLUMNS = ["id", "invoice_id", "status", "transition", "actor_role", "created_at"]


def _cumulative(weights: list[int]) -> list[float]:
    total, running, out = sum(weights), 0, []
    for weight in weights:
        running += weight
        out.append(running / total)
    return out


def _pick(cumulative: list[float], r: float) -> int:
    for index, bound in enumerate(cumulative):
        if r < bound:
            return index
    return len(cumulative) - 1


def commitment_rows(plan: Plan, info: dict, services_of: dict, numbers: list[str]):
    rng = plan.rng
    kinds = ["BON_DE_COMMANDE", "AUTRE_CONTRAT", "BAIL", "SUBVENTION", "ORDRE_DE_SERVICE"]
    private_ids = plan.structures - plan.public
    for cid in range(1, plan.commitments + 1):
        recipient = STATE_ID if cid <= plan.state_commitments else 3 + cid % (plan.public - 2)
        supplier = plan.public + 1 + int(private_ids * rng.random() ** 2.5)
        supplier = min(supplier, plan.structures)
        number = f"EJ{cid:010d}"
        if recipient == STATE_ID:
            numbers.append(number)
        services = services_of.get(recipient)
        day = (EPOCH + dt.timedelta(days=rng.random() * 1000)).date()
        yield [str(cid), str(recipient), number, kinds[cid % len(kinds)],
               f"Marché {cid}", str(supplier), info["ident"][supplier - 1],
               str(services[cid % len(services)][0]) if services else NULL,
               f"{rng.random() * 100000:.2f}", day.isoformat(),
               "t" if rng.random() < 0.9 else "f", ts(NOW)]  # fmt: skip


COMMITMENT_COLUMNS = ["id", "recipient_id", "number", "commitment_type", "label", "supplier_id",
                      "supplier_identifier", "service_id", "amount_ht", "date", "is_active",
                      "created_at"]  # fmt: skip


# --- The load ------------------------------------------------------------------------------


def _copy(pg, table: Table, rows, label: str) -> None:
    started = time.perf_counter()
    stream = Stream(pg, table)
    for values in rows:
        stream.write(values)
    stream.close()
    _report(label, table.rows, time.perf_counter() - started)


def _report(label: str, rows: int, seconds: float) -> None:
    print(
        f"  {label:<28} {rows:>11,} rows  {seconds:7.1f} s  {rows / max(seconds, 1e-6):>10,.0f} rows/s"
    )


def load(invoices: int, structures: int, big_recipient, big_supplier, *, reset: bool) -> int:
    settings = bench_database()
    ensure_database(settings, reset=reset)
    existing = invoice_count(settings)
    if existing:
        print(f"{settings['NAME']} already holds {existing:,} invoices: nothing loaded "
              "(--reset to start again).")  # fmt: skip
        return 0
    started = time.perf_counter()
    from django.core.management import call_command

    print("migrate…")
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrate {time.perf_counter() - started:.1f} s")

    import psycopg
    from django.contrib.auth import get_user_model

    plan = Plan(invoices, structures, big_recipient, big_supplier)
    print(
        f"Loading {plan.invoices:,} invoices, {plan.structures:,} structures "
        f"({plan.public:,} public), big recipient {plan.big_recipient:,} invoices, "
        f"big supplier {plan.big_supplier:,}"
    )
    User = get_user_model()
    info = {"ident": [], "name": [], "address": []}
    services_of: dict[int, list] = {}
    state_commitments: list[str] = []
    load_started = time.perf_counter()
    info_pg = conninfo(settings)
    rebuild: list[str] = []
    try:
        total_rows = _load_tables(plan, info_pg, info, services_of, state_commitments, rebuild)
    except BaseException:
        # The connections are closed (their COPY rolled back): put back what was detached,
        # so that a second run does not load into a table without indexes.
        if rebuild:
            with psycopg.connect(info_pg, autocommit=True) as pg:
                for statement in rebuild:
                    pg.execute(statement)
        raise
    grant_personas(
        User.objects.get(email=PERSONA_RECIPIENT), User.objects.get(email=PERSONA_SUPPLIER)
    )
    seconds = time.perf_counter() - load_started
    print(
        f"Loaded {total_rows:,} rows in {seconds:.0f} s ({total_rows / seconds:,.0f} rows/s; "
        f"{time.perf_counter() - started:.0f} s with migrate)"
    )
    return 0


def _load_tables(plan, info_pg, info, services_of, state_commitments, rebuild) -> int:
    import psycopg
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from psycopg import sql

    from commitments.models import Commitment
    from invoicing import tallies
    from invoicing.models import Invoice, StatusEvent
    from structures.models import Membership, OpenedArea, Service, Structure

    User = get_user_model()
    total_rows = 0
    with (
        psycopg.connect(info_pg, autocommit=True) as pg,
        psycopg.connect(info_pg, autocommit=True) as pg2,
    ):
        for conn in (pg, pg2):
            conn.execute("SET synchronous_commit = off")
            conn.execute("SET maintenance_work_mem = '256MB'")
        table = Table(Structure, STRUCTURE_COLUMNS)
        _copy(pg, table, structure_rows(plan, info), "structures")
        total_rows += table.rows
        table = Table(Service, SERVICE_COLUMNS)
        _copy(pg, table, service_rows(plan, services_of), "services")
        total_rows += table.rows
        area = Table(OpenedArea, ["id", "structure_id", "area", "opened_at"])
        _copy(pg, area, ([str(n), str(sid), "RECEIVED", ts(EPOCH)] for n, sid in enumerate(
            (s for s in range(1, plan.public + 1) if s != BIG_SUPPLIER_ID), start=1)),
            "opened areas (RECEIVED)")  # fmt: skip
        total_rows += area.rows
        # Personas through the ORM (a handful of rows), managers by COPY.
        User.objects.create_user(
            PERSONA_RECIPIENT, PERSONA_PASSWORD, first_name="Bench", last_name="Destinataire"
        )
        supplier_user = User.objects.create_user(
            PERSONA_SUPPLIER, PERSONA_PASSWORD, first_name="Bench", last_name="Fournisseur"
        )
        table = Table(User, USER_COLUMNS)
        first_manager = supplier_user.pk + 1
        _copy(
            pg, table, manager_rows(plan, make_password(PERSONA_PASSWORD), first_manager), "users"
        )
        total_rows += table.rows + 2
        table = Table(Membership, ["id", "user_id", "structure_id", "role", "created_at"])
        _copy(pg, table, ([str(n + 10), str(first_manager + n), str(sid), "GESTIONNAIRE_PRINCIPAL",
                           ts(EPOCH)] for n, sid in enumerate(range(1, plan.structures + 1, 5))),
              "memberships")  # fmt: skip
        total_rows += table.rows
        table = Table(Commitment, COMMITMENT_COLUMNS)
        _copy(pg, table, commitment_rows(plan, info, services_of, state_commitments), "commitments")
        total_rows += table.rows

        # The two big tables: indexes and foreign keys off, two COPYs fed side by side.
        for name in (Invoice._meta.db_table, StatusEvent._meta.db_table):
            rebuild += detach_indexes(pg, name)
        # The status counters' triggers (invoicing.tallies) off during the COPY, one
        # recount after it: a trigger call per row would slow the load down.
        pg.execute(f'ALTER TABLE "{Invoice._meta.db_table}" DISABLE TRIGGER USER')
        rebuild.append(f'ALTER TABLE "{Invoice._meta.db_table}" ENABLE TRIGGER USER')
        started_big = time.perf_counter()
        invoice_table = Table(Invoice, INVOICE_COLUMNS)
        event_table = Table(StatusEvent, EVENT_COLUMNS)
        invoices_stream = Stream(pg, invoice_table)
        events_stream = Stream(pg2, event_table)
        step = max(1, plan.invoices // 10)
        for invoice, events in invoice_rows(
            plan, info, services_of, state_commitments, supplier_user.pk
        ):
            invoices_stream.write(invoice)
            for event in events:
                events_stream.write(event)
            if invoice_table.rows % step == 0:
                elapsed = time.perf_counter() - started_big
                print(f"    … {invoice_table.rows:,} invoices, {event_table.rows:,} events "
                      f"({elapsed:.0f} s)", flush=True)  # fmt: skip
        invoices_stream.close()
        events_stream.close()
        copy_seconds = time.perf_counter() - started_big
        _report("invoices", invoice_table.rows, copy_seconds)
        _report("status events", event_table.rows, copy_seconds)
        total_rows += invoice_table.rows + event_table.rows
        started_index = time.perf_counter()
        while rebuild:
            pg.execute(rebuild[0])
            rebuild.pop(0)
        print(
            f"  indexes and foreign keys rebuilt ({len(rebuild)})  {time.perf_counter() - started_index:.1f} s"
        )
        started_counts = time.perf_counter()
        tallies.rebuild(pg)
        print(f"  status counters  {time.perf_counter() - started_counts:.1f} s")
        for model in (
            Structure,
            Service,
            OpenedArea,
            User,
            Membership,
            Commitment,
            Invoice,
            StatusEvent,
        ):
            name = model._meta.db_table
            pg.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "(SELECT COALESCE(MAX(id), 0) + 1 FROM {}), false)"
                ).format(sql.Identifier(name)),
                [f'"{name}"'],
            )
        started_analyze = time.perf_counter()
        pg.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM (ANALYZE)  {time.perf_counter() - started_analyze:.1f} s")
        tune_database(pg)
    return total_rows


# The per-database part of docker-compose.yml's PostgreSQL tuning (issue 10); the server-wide
# part (shared_buffers, effective_cache_size) needs the server's configuration and a restart.
DATABASE_TUNING = {"jit": "off", "work_mem": "32MB", "random_page_cost": "1.1"}


def tune_database(pg) -> None:
    from psycopg import sql

    name = pg.info.dbname
    for setting, value in DATABASE_TUNING.items():
        pg.execute(
            sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
            )
        )
    print(
        f"  ALTER DATABASE {name} SET " + ", ".join(f"{k}={v}" for k, v in DATABASE_TUNING.items())
    )


def grant_personas(recipient_user, supplier_user) -> None:
    """The personas' memberships and subscriptions, through `structures.access`."""
    from portal.areas import Mode
    from structures import access
    from structures.enums import Role
    from structures.models import Membership, Structure

    state = Structure.objects.get(pk=STATE_ID)
    supplier = Structure.objects.get(pk=BIG_SUPPLIER_ID)
    Membership.objects.create(user=recipient_user, structure=state, role=Role.USER)
    Membership.objects.create(user=supplier_user, structure=supplier, role=Role.USER)
    access.open_area(state, "COMMITMENTS", actor=None)
    access.open_area(supplier, "TO_VALIDATE", actor=None)
    access.grant_area(recipient_user, state, "RECEIVED", Mode.CHANGE, actor=None)
    access.grant_area(recipient_user, state, "COMMITMENTS", Mode.CHANGE, actor=None)
    access.grant_area(supplier_user, supplier, "ISSUED", Mode.CHANGE, actor=None)
    access.grant_area(supplier_user, supplier, "TO_VALIDATE", Mode.CHANGE, actor=None)
    try:  # allauth: a verified address, so the personas can also log in through the form
        from allauth.account.models import EmailAddress

        for user in (recipient_user, supplier_user):
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
    except ImportError:
        pass
