"""Writes on the marketing site's pages (public schema): the home page and the demo content.

The content lives as JSON under fixtures/ (fixtures/home_page.json, fixtures/cms/): pages as a
tree of {type, slug, title, fields, children}, StreamField bodies in Wagtail's raw form. A few
markers stand for rows that only exist once seeded: {"$image": key} (fixtures/cms/images.json),
{"$testimonial": name} and {"$faq": question}. A rich-text value may be a list of HTML strings,
joined, so long texts stay readable in the JSON.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import models, transaction
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.covers import waveform_cover
from cms.models import ContactFormField, FaqEntry, FooterLink, HomePage, Testimonial

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HOME_CONTENT = FIXTURES / "home_page.json"
CMS_FIXTURES = FIXTURES / "cms"
# The sections under the home page, in the order they are created (and listed in the CMS).
SECTIONS = ("features", "pricing", "help", "faq", "blog", "contact", "legal", "sign_in", "search")
HOME_CONTENT_FIELDS = (
    "hero_eyebrow",
    "hero_title",
    "hero_text",
    "primary_button_label",
    "primary_button_url",
    "secondary_button_label",
    "secondary_button_url",
    "hero_note",
    "hero_image",
    "body",
)

_MISSING = object()


@transaction.atomic
def home_page_ensure(*, content_file: Path, hostname: str, port: int) -> HomePage:
    """Make a HomePage the default site's root (idempotent: an existing one is left as edited)."""
    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    snippets_ensure()
    content = json.loads(content_file.read_text(encoding="utf-8"))
    # Wagtail's install creates a placeholder "Welcome" page (a plain Page) as the default site's
    # root; it holds nothing, so it is replaced (deleting it also deletes that Site row).
    Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    ).delete()
    root = Page.get_first_root_node()
    home = HomePage(**_field_values(HomePage, content))
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": hostname, "port": port, "root_page": home, "site_name": home.title},
    )
    # Re-read: publishing cached the site root paths on the instance before the Site existed,
    # and that instance would answer `.url` with None.
    return HomePage.objects.get(pk=home.pk)


@transaction.atomic
def home_page_refresh(*, content_file: Path = HOME_CONTENT) -> HomePage:
    """Replace the home page's hero and body with the fixture's, as a new published revision
    (for databases whose home page was seeded from an older fixture)."""
    home = HomePage.objects.get()
    snippets_ensure()
    content = json.loads(content_file.read_text(encoding="utf-8"))
    values = _field_values(HomePage, content)
    for name in HOME_CONTENT_FIELDS:
        setattr(home, name, values.get(name, HomePage._meta.get_field(name).get_default()))
    home.save_revision().publish()
    return home


@transaction.atomic
def site_content_ensure(
    *, hostname: str | None = None, port: int | None = None, content_dir: Path = CMS_FIXTURES
) -> list[Page]:
    """The whole marketing site under the home page: features, pricing, help centre, FAQ, blog,
    contact, legal pages, sign-in and search, plus the snippets they use.

    Idempotent by section: a section whose page already exists under the home page is left as
    the editors made it (even if they deleted some of its children); only missing sections are
    created. Returns the pages created."""
    snippets_ensure(content_dir=content_dir)
    home = home_page_ensure(
        content_file=HOME_CONTENT,
        hostname=hostname or settings.PLATFORM_DOMAIN,
        port=port or int(settings.PUBLIC_PORT or 80),
    )
    created: list[Page] = []
    for section in SECTIONS:
        spec = json.loads((content_dir / "pages" / f"{section}.json").read_text(encoding="utf-8"))
        if not home.get_children().filter(slug=spec["slug"]).exists():
            _page_tree_create(parent=home, spec=spec, created=created)
    return created


def snippets_ensure(*, content_dir: Path = CMS_FIXTURES) -> None:
    """Testimonials, FAQ entries and footer links, each set only while its table is empty."""
    data = json.loads((content_dir / "snippets.json").read_text(encoding="utf-8"))
    # Created one by one, not in bulk: saving is what indexes them for the CMS's search.
    if not Testimonial.objects.exists():
        for item in data["testimonials"]:
            Testimonial.objects.create(**item)
    if not FaqEntry.objects.exists():
        for item in data["faq"]:
            FaqEntry.objects.create(**item)
    if not FooterLink.objects.exists():
        FooterLink.objects.bulk_create(FooterLink(**item) for item in data["footer"])


def image_ensure(key: str, *, content_dir: Path = CMS_FIXTURES):
    """The Wagtail image for a key of images.json: found by title, else created from its file
    under images/, else drawn (covers)."""
    spec = _image_catalogue(content_dir)[key]
    Image = get_image_model()
    existing = Image.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    path = content_dir / "images" / spec.get("file", "")
    if spec.get("file") and path.is_file():
        data, name = path.read_bytes(), path.name
    else:
        # A screenshot missing from a checkout still gets a stand-in, so seeding never fails.
        recipe = spec.get("generate", {})
        data = waveform_cover(
            start=recipe.get("from", "#1b1430"),
            end=recipe.get("to", "#7c3aed"),
            bars=recipe.get("bars", "#f0abfc"),
            seed=recipe.get("seed", 1),
        )
        name = f"{key}.webp"
    image = Image(title=spec["title"], file=ImageFile(BytesIO(data), name=name))
    image._set_image_file_metadata()
    image.save()
    return image


@cache
def _image_catalogue(content_dir: Path) -> dict[str, dict]:
    entries = json.loads((content_dir / "images.json").read_text(encoding="utf-8"))
    return {entry["key"]: entry for entry in entries}


def _page_tree_create(*, parent: Page, spec: dict, created: list[Page]) -> Page:
    model = apps.get_model(spec["type"])
    fields = dict(spec.get("fields", {}))
    form_fields = fields.pop("form_fields", [])
    page = model(title=spec["title"], slug=spec["slug"], **_field_values(model, fields))
    if form_fields:
        page.form_fields = [
            ContactFormField(sort_order=order, **field) for order, field in enumerate(form_fields)
        ]
    parent.add_child(instance=page)
    page.save_revision().publish()
    created.append(page)
    for child in spec.get("children", []):
        _page_tree_create(parent=page, spec=child, created=created)
    return page


def _field_values(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if isinstance(value, dict) and "$image" in value:
            values[name] = image_ensure(value["$image"])
        elif isinstance(field, StreamField):
            values[name] = _raw_stream(value)
        elif isinstance(field, models.DateField) and isinstance(value, str):
            values[name] = date.fromisoformat(value)
        else:
            values[name] = value
    return values


def _raw_stream(value: Any) -> Any:
    """StreamField raw data with its markers replaced by primary keys. A marker whose row is
    gone (an editor deleted that testimonial) is dropped from its list rather than failing."""
    if isinstance(value, list):
        items = [_raw_stream(item) for item in value]
        return [item for item in items if item is not _MISSING]
    if not isinstance(value, dict):
        return value
    if "$image" in value:
        return image_ensure(value["$image"]).pk
    if "$testimonial" in value:
        return _pk_or_missing(Testimonial.objects.filter(name=value["$testimonial"]))
    if "$faq" in value:
        return _pk_or_missing(FaqEntry.objects.filter(question=value["$faq"]))
    inner = value.get("value")
    is_text = isinstance(inner, list) and bool(inner) and all(isinstance(p, str) for p in inner)
    if "type" in value and is_text:
        return {**value, "value": "".join(inner)}
    return {key: _raw_stream(item) for key, item in value.items()}


def _pk_or_missing(queryset: models.QuerySet) -> Any:
    pk = queryset.values_list("pk", flat=True).first()
    return _MISSING if pk is None else pk
