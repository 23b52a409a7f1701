"""Client imports: hostile files give a precise message and leave the studio as it was; good
files create, update and skip exactly what they should."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from studio.models import AuditEntry, Client
from tests.imports.conftest import errors_of, fingerprint, run
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "Name,E-mail,Phone,Country,Type,Tags\n"
    'Ana Lopez,ana@example.com,+34 600 000 000,es,Artist,"jazz, vocals"\n'
    "The Night Owls,owls@example.com,,GB,band,rock\n"
)


def test_a_clean_file_creates_every_client(in_studio_a):
    report = run("clients", GOOD)
    assert report.committed and report.counts == {"new": 2, "update": 0, "skip": 0, "invalid": 0}
    ana = Client.objects.get(email="ana@example.com")
    assert (ana.phone, ana.country, ana.kind, ana.tags) == (
        "+34 600 000 000",
        "ES",
        "artist",
        ["jazz", "vocals"],
    )
    assert Client.objects.get(email="owls@example.com").kind == "band"
    entry = AuditEntry.objects.get(action="client.imported")
    assert entry.changes["created"] == 2


def test_a_dry_run_reports_and_writes_nothing(unchanged):
    report = run("clients", GOOD, dry_run=True)
    assert report.counts["new"] == 2 and not report.committed
    assert "Preview only" in report.outcome()


def test_existing_clients_are_matched_by_email_whatever_its_case(in_studio_a):
    ClientFactory(name="Ana", email="Ana@Example.com", phone="1")
    report = run("clients", GOOD)
    assert report.counts == {"new": 1, "update": 1, "skip": 0, "invalid": 0}
    assert Client.objects.filter(email__iexact="ana@example.com").count() == 1
    ana = Client.objects.get(email__iexact="ana@example.com")
    assert (ana.name, ana.phone) == ("Ana Lopez", "+34 600 000 000")
    change = AuditEntry.objects.get(action="client.changed", object_id=str(ana.pk))
    assert change.changes["phone"] == ["1", "+34 600 000 000"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(in_studio_a):
    run("clients", GOOD)
    before = fingerprint()
    report = run("clients", GOOD)
    assert report.counts == {"new": 0, "update": 0, "skip": 2, "invalid": 0}
    assert not report.committed and fingerprint() == before


def test_first_and_last_name_columns_make_the_name(in_studio_a):
    report = run("clients", "Prénom;Nom de famille;Courriel\nÉlodie;Brûlé;e@example.fr\n")
    assert report.committed
    assert Client.objects.get(email="e@example.fr").name == "Élodie Brûlé"


def test_windows_1252_with_semicolons_and_bom_free_accents(in_studio_a):
    data = "Nom;E-mail\nJosé Núñez;jose@example.es\n".encode("cp1252")
    report = run("clients", data)
    assert report.committed and report.source == "CSV, Windows-1252, semicolon-separated"
    assert Client.objects.filter(name="José Núñez").exists()


def test_utf8_with_bom_does_not_pollute_the_first_header(in_studio_a):
    report = run("clients", b"\xef\xbb\xbfName,Email\nAna,ana@example.com\n")
    assert report.committed and report.warnings == []


# --- hostile files: one precise message each, and not one row written ------------------------


def test_a_missing_required_column_is_named(unchanged):
    report = run("clients", "E-mail,Phone\nana@example.com,1\n")
    assert report.file_errors == [
        "The required column Name is missing (looked for “Name”, “Full name”, “Client”, "
        "“Client name”)."
    ]


def test_an_unknown_extra_column_is_reported_and_ignored(in_studio_a):
    report = run("clients", "Name,Email,Shoe size\nAna,ana@example.com,38\n", dry_run=True)
    assert report.warnings == ["Column “Shoe size” is not recognised and is ignored."]
    assert report.counts["new"] == 1


def test_duplicate_emails_inside_the_file_name_the_first_line(unchanged):
    report = run(
        "clients", "Name,Email\nAna,ana@example.com\nBo,bo@example.com\nAna L,ANA@example.com\n"
    )
    assert errors_of(report) == [
        (4, "Email", "ANA@example.com", "This e-mail is already on line 2; list each client once.")
    ]
    assert report.counts["invalid"] == 1 and not report.committed
    assert "Nothing was imported: 1 rows are invalid" in report.outcome()


def test_invalid_values_give_line_column_value_and_message(unchanged):
    report = run(
        "clients",
        "Name,Email,Type,Country\n"
        "Ana,not-an-email,artist,FR\n"
        ",b@example.com,band,FR\n"
        "Cy,c@example.com,orchestra,FR\n"
        "Di,d@example.com,band,FRANCE\n",
    )
    assert errors_of(report) == [
        (2, "Email", "not-an-email", "Enter a valid email address."),
        (3, "Name", "", "This field cannot be blank."),
        (
            4,
            "Type",
            "orchestra",
            "“orchestra” is not a client type. Use one of: Artist, Band, Label, Company.",
        ),
        (5, "Country", "FRANCE", "Ensure this value has at most 2 characters (it has 6)."),
    ]


def test_skip_invalid_imports_the_valid_rows_only(in_studio_a):
    report = run(
        "clients",
        "Name,Email\nAna,ana@example.com\nBad,nope\nCy,cy@example.com\n",
        skip_invalid=True,
    )
    assert report.committed and report.counts == {"new": 2, "update": 0, "skip": 0, "invalid": 1}
    assert sorted(Client.objects.values_list("name", flat=True)) == ["Ana", "Cy"]


def test_a_file_that_is_not_a_spreadsheet(unchanged):
    report = run("clients", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01", filename="a.pdf")
    assert report.file_errors[0].startswith("This file is not a spreadsheet")


def test_a_text_file_that_is_not_a_client_list(unchanged):
    report = run("clients", "Dear studio,\nplease find attached our invoice.\n")
    assert report.file_errors[0].startswith("None of the column names in the first row")


def test_wrong_encoding_claim_is_refused_cleanly(unchanged):
    report = run("clients", b"\xff\xfeN\x00a\x00m\x00\x00\xd8")
    assert report.file_errors == ["The file claims to be UTF-16 text but is not readable as such."]


def test_a_row_with_more_cells_than_columns(unchanged):
    report = run("clients", "Name,Email\nAna,ana@example.com,extra, cells\n")
    assert report.errors[0].message.startswith("This line has 4 cells but the header names 2")


def test_formula_cells_are_kept_as_plain_text(in_studio_a):
    report = run("clients", 'Name,Email,Notes\n"=HYPERLINK(""http://x"")",f@example.com,@SUM(1)\n')
    assert report.committed
    client = Client.objects.get(email="f@example.com")
    assert (client.name, client.notes) == ('=HYPERLINK("http://x")', "@SUM(1)")


def test_an_xlsx_file_with_typed_cells(in_studio_a):
    book = Workbook()
    book.active.append(["Client", "Email address", "Phone"])
    book.active.append(["Ana", "ana@example.com", 33123456789])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run("clients", buffer.getvalue(), filename="clients.xlsx")
    assert report.committed and report.source == "Excel workbook (first sheet)"
    assert Client.objects.get(email="ana@example.com").phone == "33123456789"


def test_an_unknown_studio_manager_id_is_refused(unchanged):
    report = run("clients", "Studio Manager ID,Name\n999999,Ana\n")
    assert errors_of(report) == [
        (2, "Studio Manager ID", "999999", "No client has Studio Manager ID 999999 in this studio.")
    ]


def test_fifty_thousand_rows_with_one_bad_row_write_nothing(unchanged):
    lines = ["Name,Email,Phone"]
    lines += [f"Client {n},client{n}@bulk.example,+33 1 {n:06d}" for n in range(50_000)]
    lines[31_337] = "Client X,broken@,+33"
    report = run("clients", "\n".join(lines) + "\n")
    assert report.rows == 50_000
    assert report.counts["new"] == 49_999 and report.counts["invalid"] == 1
    assert errors_of(report) == [(31_338, "Email", "broken@", "Enter a valid email address.")]
    assert not report.committed


def test_fifty_thousand_rows_all_land(in_studio_a):
    lines = ["Name,Email"] + [f"Client {n},client{n}@bulk.example" for n in range(50_000)]
    report = run("clients", "\n".join(lines))
    assert report.committed and report.counts["new"] == 50_000
    assert Client.objects.filter(email__endswith="@bulk.example").count() == 50_000
