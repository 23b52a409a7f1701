"""Money benchmarks: rendering an invoice PDF, and concurrent issuing without gaps."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import date
from decimal import Decimal

from django.db import connection
from django_tenants.utils import schema_context

from siteconf.bench.studios import bench_studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import Client, Invoice
from studio.pdf import render_pdf
from studio.pdf.data import DocumentData, Issuer, PrintedLine, TaxRow
from studio.services.invoices import invoice_create, invoice_issue


def sample_invoice(lines: int = 20) -> DocumentData:
    """A realistic 20-line invoice, built as plain data: the renderer alone is measured."""
    printed = [
        PrintedLine(
            description=f"Live Room A, {1 + n % 28:02d} Mar 2026 10:00–18:00 (8 h) — tracking",
            quantity=Decimal(1 + n % 3),
            unit_price=Decimal("480.00"),
            discount_percent=Decimal(10 if n % 4 == 0 else 0),
            tax_rate=Decimal(20 if n % 5 else 5.5),
            net=Decimal("480.00") * (1 + n % 3),
        )
        for n in range(lines)
    ]
    net = sum((line.net for line in printed), Decimal(0))
    return DocumentData(
        kind="invoice",
        number="INV-2026-0042",
        issuer=Issuer(
            name="Studio Řeka & Łódź",
            address="12 rue des Amplis\n75011 Paris\nFrance",
            email="hello@reka.example",
            vat_number="FR 12 345678901",
            payment_details="IBAN FR76 3000 6000 0112 3456 7890 189 — BIC AGRIFRPP",
        ),
        bill_to="Les Ondes № 5\n3 place du Marché\n69001 Lyon",
        issue_date=date(2026, 3, 31),
        due_date=date(2026, 4, 30),
        currency="EUR",
        lines=printed,
        gross=net,
        discount=Decimal(0),
        net=net,
        taxes=[TaxRow(rate=Decimal(20), base=net, tax=net / 5)],
        tax=net / 5,
        total=net * Decimal("1.2"),
    )


def bench_pdf(*, renders: int = 200, progress) -> dict[str, float]:
    data = sample_invoice()
    render_pdf(data)  # fonts loaded, caches warm
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        render_pdf(data)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    progress(f"  {renders} renders of a 20-line invoice")
    return {
        "pdf_invoice_ms": round(statistics.median(timings), 2),
        "pdf_invoice_ms_best": round(timings[0], 2),
        "pdf_invoice_ms_p95": round(timings[int(len(timings) * 0.95) - 1], 2),
    }


def bench_issue_race(*, racers: int = 20, progress) -> dict[str, float]:
    studio = bench_studio(slug="bench-money", name="Bench Money")
    try:
        with schema_context(studio.schema_name):
            client = Client.objects.create(name="Racing Band", email="band@race.example")
            drafts = [
                invoice_create(
                    client=client,
                    lines=[{"description": "Day rate", "unit_price": "500", "tax_rate": "20"}],
                ).pk
                for _ in range(racers)
            ]
        barrier = threading.Barrier(racers)
        errors: list[Exception] = []

        def issue(pk: int) -> None:
            try:
                connection.set_tenant(studio)
                barrier.wait()
                invoice_issue(invoice=Invoice.objects.get(pk=pk))
            except Exception as exc:  # counted and reported
                errors.append(exc)
            finally:
                connection.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=issue, args=(pk,)) for pk in drafts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.perf_counter() - started
        with schema_context(studio.schema_name):
            sequences = sorted(
                Invoice.objects.exclude(sequence=None).values_list("sequence", flat=True)
            )
        expected = list(range(1, racers + 1))
        progress(f"  {racers} concurrent issues: sequences {sequences[:3]}…{sequences[-2:]}")
        return {
            "invoice_issue_racers": racers,
            "invoice_issue_race_issued": len(sequences),
            "invoice_issue_race_gaps": len(set(expected) - set(sequences)),
            "invoice_issue_race_duplicates": len(sequences) - len(set(sequences)),
            "invoice_issue_race_errors": len(errors),
            "invoice_issue_race_s": round(elapsed, 2),
        }
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=studio)
