"""Uploading audio in chunks: the file is checked by its content, a cut upload resumes, and a
refused file leaves nothing behind (no version, no upload, no spool file)."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest

from studio.models import AudioUpload, AudioVersion, AuditEntry
from studio.services import audio_uploads as svc
from studio.services.errors import PermissionRefused, StudioError
from tests.audio.conftest import PDF, encoded, sine, wav_bytes
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db


def send(upload, data: bytes, *, chunk: int = 64 * 1024, at: int = 0, by=None):
    """Send `data[at:]` in chunks, as the uploader does (resuming from `at`)."""
    for offset in range(at, len(data), chunk):
        piece = data[offset : offset + chunk]
        upload = svc.upload_chunk(
            upload=upload, offset=offset, stream=io.BytesIO(piece), length=len(piece), by=by
        )
    return upload


def start(track, data: bytes, name: str = "mix.wav", **kwargs):
    return svc.upload_start(track=track, filename=name, size=len(data), **kwargs)


def assert_nothing_written(track, media: Path):
    assert not AudioVersion.objects.filter(track=track).exists()
    assert not AudioUpload.objects.filter(track=track).exists()
    assert list((media / "spool").rglob("*.part")) == []
    assert not (media / "media").exists() or list((media / "media").rglob("*.wav")) == []


def test_a_wav_sent_in_chunks_becomes_version_1_and_is_processed(
    track, media, django_capture_on_commit_callbacks
):
    data = wav_bytes(3.0)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        upload = send(start(track, data, label="Vocal up"), data)
    version = upload.version
    assert len(queued) == 1  # the processing task, queued once the version is committed
    version.refresh_from_db()
    assert (version.number, version.kind, version.label) == (1, "mix", "Vocal up")
    assert version.audio_format == "wav" and version.size_bytes == len(data)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.file.name.endswith(f"{upload.pk.hex[:12]}-mix.wav")  # named before numbering
    with version.file.open("rb") as stored:
        assert stored.read() == data
    assert version.status == AudioVersion.Status.READY and version.progress == 100
    assert version.duration_seconds == pytest.approx(3.0)
    assert list((media / "spool").rglob("*.part")) == []
    assert (
        AuditEntry.objects.filter(model="audioversion", action="audioversion.uploaded").count() == 1
    )
    assert AuditEntry.objects.filter(model="audioupload", action="audioupload.started").count() == 1


def test_a_second_upload_of_the_same_name_is_version_2_and_never_overwrites(track):
    first, second = wav_bytes(1.0), wav_bytes(1.5)
    v1 = send(start(track, first), first).version
    v2 = send(start(track, second), second).version
    assert (v1.number, v2.number) == (1, 2)
    assert v1.file.name != v2.file.name
    with v1.file.open("rb") as stored:
        assert stored.read() == first


def test_a_pdf_renamed_wav_is_refused_at_its_first_chunk(track, media):
    upload = start(track, PDF * 100)
    with pytest.raises(StudioError, match="This file is a PDF document, not audio"):
        svc.upload_chunk(upload=upload, offset=0, stream=io.BytesIO(PDF), length=len(PDF))
    assert_nothing_written(track, media)


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (
            b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00",
            re.escape("an MP4/M4A (AAC) file, which is not accepted"),
        ),
        (b"PK\x03\x04" + b"\x00" * 60, "a ZIP archive"),
        (b"Lyrics, second verse: " + b"la " * 30, "a text file"),
    ],
)
def test_other_files_are_refused_with_the_type_found(track, media, head, found):
    data = head + b" " * 200
    with pytest.raises(StudioError, match=found):
        send(start(track, data), data)
    assert_nothing_written(track, media)


def test_a_truncated_wav_is_refused_when_its_last_chunk_arrives(track, media):
    data = wav_bytes(2.0)[:150_000]
    with pytest.raises(StudioError, match="This WAV file is cut short: its header announces"):
        send(start(track, data), data)
    assert_nothing_written(track, media)


def test_an_empty_file_is_refused_before_anything_is_written(track, media):
    with pytest.raises(StudioError, match=r"This file is empty \(0 bytes\)"):
        svc.upload_start(track=track, filename="silence.wav", size=0)
    assert_nothing_written(track, media)


def test_a_file_over_the_size_limit_is_refused_at_the_start(track, media, settings):
    settings.AUDIO_MAX_UPLOAD_BYTES = 1024**3
    with pytest.raises(StudioError, match=r"This file is 2.0 GB and the largest .* is 1.0 GB"):
        svc.upload_start(track=track, filename="album-stems.wav", size=2 * 1024**3)
    assert_nothing_written(track, media)


def test_a_chunk_at_the_wrong_offset_says_where_to_resume(track):
    data = wav_bytes(1.0)
    upload = start(track, data)
    upload = svc.upload_chunk(upload=upload, offset=0, stream=io.BytesIO(data[:1000]), length=1000)
    with pytest.raises(StudioError, match="send the file again from byte 1,000") as refused:
        svc.upload_chunk(upload=upload, offset=5000, stream=io.BytesIO(b"x" * 10), length=10)
    assert refused.value.field == "offset"
    upload.refresh_from_db()
    assert upload.received_bytes == 1000


class CutStream:
    """A request body whose connection drops after `keep` bytes."""

    def __init__(self, data: bytes, keep: int):
        self.data, self.keep, self.sent = data, keep, 0

    def read(self, size: int) -> bytes:
        if self.sent >= self.keep:
            raise OSError("connection reset by peer")
        piece = self.data[self.sent : min(self.sent + size, self.keep)]
        self.sent += len(piece)
        return piece


def test_an_interrupted_chunk_keeps_what_arrived_and_the_upload_resumes(track):
    data = encoded(sine(4.0), subtype="PCM_16")
    upload = start(track, data)
    with pytest.raises(StudioError, match=r"cut short: 100,000 of .* Resume from byte 100,000"):
        svc.upload_chunk(upload=upload, offset=0, stream=CutStream(data, 100_000), length=len(data))
    upload.refresh_from_db()
    assert upload.received_bytes == 100_000 and upload.version is None
    upload = send(upload, data, at=100_000)  # resumed from `received`
    assert upload.version.sha256 == hashlib.sha256(data).hexdigest()


def test_bytes_a_cut_request_left_past_received_are_overwritten(track):
    data = wav_bytes(1.0)
    upload = start(track, data)
    upload = svc.upload_chunk(upload=upload, offset=0, stream=io.BytesIO(data[:500]), length=500)
    with svc.spool_path(upload).open("ab") as spool:
        spool.write(b"garbage the server never acknowledged")
    upload = send(upload, data, at=500)
    with upload.version.file.open("rb") as stored:
        assert stored.read() == data


def test_a_chunk_past_the_end_of_the_file_is_refused(track):
    data = wav_bytes(0.5)
    upload = start(track, data)
    with pytest.raises(StudioError, match="past the end"):
        svc.upload_chunk(
            upload=upload, offset=0, stream=io.BytesIO(data + b"xx"), length=len(data) + 2
        )
    upload.refresh_from_db()
    assert upload.received_bytes == 0


def test_engineers_upload_but_accountants_and_the_front_desk_cannot(track):
    data = wav_bytes(0.5)
    engineer = staff_user("eng@a.example", "Engineer")
    assert send(start(track, data, by=engineer), data, by=engineer).version.uploaded_by == engineer
    for role in ("Accountant", "Front desk"):
        person = staff_user(f"{role[:3].lower()}@a.example", role)
        with pytest.raises(PermissionRefused):
            start(track, data, by=person)
    assert AudioVersion.objects.filter(track=track).count() == 1


def test_a_retried_last_chunk_finds_the_version_already_made(track):
    data = wav_bytes(0.5)
    done = send(start(track, data), data, chunk=len(data))
    again = svc.upload_chunk(upload=done, offset=len(data), stream=io.BytesIO(b""), length=0)
    assert again.version == done.version
    assert AudioVersion.objects.filter(track=track).count() == 1
