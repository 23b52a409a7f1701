"""Retention: a delivered project's audio is warned about, then deleted (files only), logged,
and staff can keep it longer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from studio.models import AudioDeletion, AudioVersion, OutgoingEmail, ReviewComment
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services import projects as svc
from studio.services.audio_review import comment_add, version_create
from studio.services.errors import PermissionRefused, StudioError
from studio.services.retention import delete_on, retention_extend, retention_run
from tests.conftest import forget_media_root
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(in_studio_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    rules = studio_settings_get()
    rules.audio_retention_days, rules.retention_warning_days = 30, 7
    rules.email = "desk@studio-a.example"
    rules.save()
    project = svc.project_create(client=ClientFactory(), title="Summer EP")
    project.delivered_on = studio_today() - timedelta(days=30)
    project.save()
    track = svc.track_create(project=project, title="Opener")
    version = version_create(
        track=track, file_name="opener.wav", stored_name="x", size_bytes=4, audio_format="wav"
    )
    version.file.save("opener.wav", ContentFile(b"RIFF"), save=False)
    version.preview.save("opener.mp3", ContentFile(b"ID3"), save=False)
    AudioVersion.objects.filter(pk=version.pk).update(
        file=version.file.name, preview=version.preview.name, status="ready", duration_seconds=60
    )
    version.refresh_from_db()
    return project, version


def test_the_audio_goes_on_the_day_the_rule_says(delivered):
    project, version = delivered
    comment_add(version=version, body="Love the intro", at_seconds=3)
    storage, names = version.file.storage, [version.file.name, version.preview.name]
    assert all(storage.exists(name) for name in names)

    report = retention_run(today=studio_today())

    assert report["retention_files_deleted"] == 1 and report["retention_bytes_freed"] == 4
    assert not any(storage.exists(name) for name in names)
    version.refresh_from_db()
    assert version.status == "deleted" and not version.file
    assert ReviewComment.objects.filter(version=version).count() == 1  # metadata stays
    log = AudioDeletion.objects.get()
    assert log.reason == "retention" and log.file_name == "opener.wav"
    project.refresh_from_db()
    assert project.audio_deleted_at is not None
    assert retention_run(today=studio_today())["retention_files_deleted"] == 0


def test_a_warning_goes_once_before_the_day(delivered):
    project, _ = delivered
    project.delivered_on = studio_today() - timedelta(days=25)  # goes in 5 days
    project.save()
    report = retention_run(today=studio_today())
    assert report["retention_warnings"] == 1 and report["retention_files_deleted"] == 0
    sent = OutgoingEmail.objects.filter(kind="audio_retention")
    assert {m.to for m in sent} == {project.client.email, "desk@studio-a.example"}
    assert "will be deleted on" in sent.first().subject
    assert retention_run(today=studio_today())["retention_warnings"] == 0


def test_staff_keep_a_project_longer_and_are_warned_again(delivered):
    project, version = delivered
    owner = staff_user("boss@a.example", "Owner")
    later = studio_today() + timedelta(days=60)
    retention_extend(project=project, until=later, by=owner)
    assert delete_on(project.__class__.objects.get(pk=project.pk)) == later
    assert retention_run(today=studio_today())["retention_files_deleted"] == 0
    version.refresh_from_db()
    assert version.status == "ready"
    with pytest.raises(StudioError, match="choose a later date"):
        retention_extend(project=project, until=later - timedelta(days=1), by=owner)
    with pytest.raises(PermissionRefused):
        retention_extend(
            project=project,
            until=later + timedelta(days=1),
            by=staff_user("a@a.example", "Accountant"),
        )


def test_no_rule_keeps_everything(delivered):
    project, _ = delivered
    rules = studio_settings_get()
    rules.audio_retention_days = None
    rules.save()
    assert delete_on(project) is None
    assert retention_run(today=studio_today() + timedelta(days=999))["retention_files_deleted"] == 0


def test_the_daily_round_drops_uploads_nobody_finished(delivered):
    from django.utils import timezone

    from studio.models import AudioUpload
    from studio.services.audio_uploads import spool_path
    from studio.services.reminders import studio_daily

    _, version = delivered
    stale = AudioUpload.objects.create(
        track=version.track, kind="mix", filename="stems.wav", size_bytes=10, received_bytes=4
    )
    fresh = AudioUpload.objects.create(
        track=version.track, kind="mix", filename="mix.wav", size_bytes=10, received_bytes=4
    )
    AudioUpload.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=3))
    spool = spool_path(stale)
    spool.parent.mkdir(parents=True, exist_ok=True)
    spool.write_bytes(b"RIFF")
    report = studio_daily()
    assert report["uploads_abandoned"] == 1 and not spool.exists()
    assert list(AudioUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
