"""python -m bench.scale {load,measure,run,explain,beat}: see bench/scale/loader.py, measure.py
and beat.py.

DATABASE_URL must point to a PostgreSQL database whose name starts with bench_scale.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def _setup() -> None:
    from bench.scale.measure import server_env

    os.environ.update(server_env(Path(tempfile.mkdtemp(prefix="bench-scale-"))))
    os.environ.pop("PYTEST_VERSION", None)  # a pytest parent would switch TESTING on
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="migrate, then COPY the data set")
    run = commands.add_parser("run", help="load if the database holds no invoice, then measure")
    for command in (load, run):
        command.add_argument("--invoices", type=int, default=2_000_000)
        command.add_argument("--structures", type=int, default=150_000)
        command.add_argument(
            "--big-recipient", type=int, default=None, help="default: 15 %% of the invoices"
        )
        command.add_argument(
            "--big-supplier", type=int, default=None, help="default: 2.5 %% of the invoices"
        )
    load.add_argument("--reset", action="store_true", help="drop and recreate the database")
    measure = commands.add_parser("measure", help="gunicorn + the pages' table")
    for command in (measure, run):
        command.add_argument("--requests", type=int, default=30)
        command.add_argument("--warmups", type=int, default=3)
        command.add_argument("--deposits", type=int, default=20, help="0: no deposit timing")
        command.add_argument(
            "--web-deposits",
            type=int,
            default=0,
            help="PDF deposits through the web form over HTTP (0: none)",
        )
        command.add_argument("--web-clients", type=int, default=4, help="client threads")
        command.add_argument(
            "--lot-deposits",
            type=int,
            default=2000,
            help="invoices of a CII flow (and a quarter as many Factur-X) integrated (0: none)",
        )
        command.add_argument("--port", type=int, default=0, help="gunicorn's port (0: a free one)")
        command.add_argument(
            "--only", action="append", help="pages whose name contains this (repeatable)"
        )
    explain = commands.add_parser("explain", help="EXPLAIN (ANALYZE, BUFFERS) of pages' queries")
    explain.add_argument("--only", action="append", help="pages whose name contains this")
    explain.add_argument("--top", type=int, default=2, help="the slowest queries explained")
    beat = commands.add_parser("beat", help="each periodic task of the beat, run once and timed")
    beat.add_argument("--rounds", type=int, default=1, help="runs of the whole schedule")
    args = parser.parse_args(argv)

    from bench.scale import loader

    if args.command == "load":
        loader.bench_database()  # refuse SQLite / another database before anything
        _setup()
        return loader.load(
            args.invoices, args.structures, args.big_recipient, args.big_supplier, reset=args.reset
        )
    settings = loader.bench_database()
    if args.command == "beat":
        _setup()
        from bench.scale.beat import beat as run_beat

        return run_beat(args.rounds)
    if args.command == "explain":
        from bench.scale.explain import explain as explain_pages

        return explain_pages(set(args.only) if args.only else None, args.top)
    if args.command == "run" and not loader.invoice_count(settings):
        _setup()
        loader.load(
            args.invoices, args.structures, args.big_recipient, args.big_supplier, reset=False
        )
        from django.db import connections

        connections.close_all()
    from bench.scale import measure as measure_module

    return measure_module.measure(
        args.requests,
        args.warmups,
        set(args.only) if args.only else None,
        args.deposits,
        args.web_deposits,
        args.web_clients,
        args.port,
        args.lot_deposits,
    )


if __name__ == "__main__":
    sys.exit(main())
