"""Import throughput: 100k generated client rows through the admin's import path (reading,
header matching, cell parsing, model-field validation, e-mail matching, batched writes), beside
PostgreSQL COPY of the same file into a scratch table, in the same run.

For scale, the same rows also go through django-import-export's stock row-by-row
`Resource.import_data` (on a slice, it is much slower), which is what the admin would use out of
the box.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from collections.abc import Callable

import tablib
from django.db import connection, transaction
from django_tenants.utils import schema_context
from import_export import resources

from siteconf.bench.studios import bench_studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.imports.values import fold
from studio.models import Client
from studio.services.imports import import_file

SLUG = "bench-import"
FIRST = ["Ana", "Bo", "Chloé", "Dmitri", "Élodie", "Farid", "Greta", "Hiro", "Inès", "Jonas"]
LAST = ["Lopez", "Nguyen", "Brûlé", "Kowalski", "Okafor", "Sato", "Müller", "Rossi", "Dubois"]
TAGS = ["rock", "jazz", "hip-hop", "classical", "electro", "folk", "podcast", "voice-over"]


def client_csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("Name,Artist name,E-mail,Phone,Country,Type,Tags,Notes\n")
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        kind = rng.choice(["Artist", "Band", "Label", "Company"])
        tags = ", ".join(rng.sample(TAGS, 2))
        out.write(
            f"{first} {last},{last} Project {n},{fold(first)}.{n}@import.example,"
            f"+33 6 {n % 100:02d} {n // 100 % 100:02d} {n % 97:02d} {n % 89:02d},FR,{kind},"
            f'"{tags}",Imported from the old booking sheet\n'
        )
    return out.getvalue().encode()


class StockClientResource(resources.ModelResource):
    class Meta:
        model = Client
        fields = ("name", "artist_name", "email", "phone", "country", "kind", "notes")
        import_id_fields = ("email",)
        use_bulk = True
        batch_size = 2000
        skip_diff = True


def bench_import(*, rows: int, progress: Callable[[str], None]) -> dict:
    data = client_csv(rows)
    progress(f"  {rows} client rows, {len(data) / 1e6:.1f} MB of CSV")
    studio = bench_studio(slug=SLUG, name="Bench Import")
    try:
        with schema_context(studio.schema_name):
            # Three runs into an empty client table; the machine is shared, so the best run is
            # the throughput figure and the median is reported beside it.
            runs = []
            for _ in range(3):
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE studio_client CASCADE")
                started = time.perf_counter()
                report = import_file(resource_key="clients", data=data, filename="bench.csv")
                runs.append(time.perf_counter() - started)
                assert report.committed and report.counts["new"] == rows, report.as_text()
                assert Client.objects.count() == rows

            started = time.perf_counter()
            again = import_file(resource_key="clients", data=data, filename="bench.csv")
            unchanged = time.perf_counter() - started
            assert again.counts["skip"] == rows, again.as_text()

            copies = [_copy(data) for _ in range(3)]

            stock_rows = min(rows, 2_000)
            stock_seconds = _stock(data, stock_rows)
    finally:
        studio_destroy(studio=studio)
    ours, copy_seconds = min(runs), min(copies)
    figures = {
        "import_clients_rows_per_s": round(rows / ours),
        "import_clients_rows_per_s_median": round(rows / statistics.median(runs)),
        "import_clients_unchanged_rows_per_s": round(rows / unchanged),
        "import_copy_rows_per_s": round(rows / copy_seconds),
        "import_vs_copy_ratio": round(copy_seconds / ours, 3),
        "import_export_stock_rows_per_s": round(stock_rows / stock_seconds),
    }
    progress(
        "  ours " + ", ".join(f"{r:.2f}" for r in runs) + f" s; re-import {unchanged:.2f} s; "
        f"COPY {copy_seconds:.2f} s; stock import-export {stock_seconds:.2f} s for "
        f"{stock_rows} rows"
    )
    return figures


def _copy(data: bytes) -> float:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (name text, artist_name text, email text, phone text, "
            "country text, kind text, tags text, notes text) ON COMMIT DROP"
        )
        started = time.perf_counter()
        with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
        return time.perf_counter() - started


def _stock(data: bytes, rows: int) -> float:
    head = b"\n".join(data.split(b"\n")[: rows + 1]).decode()
    dataset = tablib.Dataset().load(head, format="csv")
    dataset.headers = ["name", "artist_name", "email", "phone", "country", "kind", "tags", "notes"]
    del dataset["tags"]
    # The stock resource wants stored values, not labels.
    kinds = {label: key for key, label in Client.Kind.choices}
    dataset.append_col([str(kinds.get(k, "artist")) for k in dataset["kind"]], header="kind2")
    del dataset["kind"]
    dataset.headers = [h if h != "kind2" else "kind" for h in dataset.headers]
    with transaction.atomic():
        Client.objects.filter(email__endswith="@import.example").delete()
        started = time.perf_counter()
        result = StockClientResource().import_data(dataset, dry_run=False, raise_errors=True)
        seconds = time.perf_counter() - started
        assert not result.has_errors()
        transaction.set_rollback(True)
    return seconds
