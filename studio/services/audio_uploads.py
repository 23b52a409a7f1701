"""Audio uploads in chunks, and the one-time processing of each new version.

A mix, a stem or a master arrives as a series of chunks (`upload_chunk`) appended to a spool
file on the web server's disk, read from the request 1 MB at a time: a 2 GB stem never sits in
memory, and a cut connection resumes from `received_bytes`. The first chunk is already checked
for what the file is, so a PDF renamed `.wav` is refused before the rest is sent; the last one
checks the whole file (a WAV cut short is refused), copies it into the studio's storage (local
or S3) and records the version (`audio_review.version_create`), then queues the processing.

`version_process` (run by the background task) reads the stored file once, block by block,
and stores its details, waveform peaks, loudness and the MP3 preview the players stream.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction

from siteconf.tasks import task_enqueue
from studio.audio.sniff import EMPTY, HEAD_BYTES, AudioCheckError, audio_check, head_check
from studio.models import AudioUpload, AudioVersion, Track
from studio.services.audio_review import version_create
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.readonly import studio_writable_check

PIECE = 1024 * 1024
CHUNK_SIZE = 8 * 1024 * 1024
DEFAULT_MAX_BYTES = 4 * 1024**3

TOO_LARGE = "This file is {size} and the largest audio file accepted is {limit}."
WRONG_OFFSET = (
    "This chunk starts at byte {offset:,} but {received:,} bytes have been received so far: "
    "send the file again from byte {received:,}."
)
PAST_END = "This chunk runs to byte {end:,}, past the end of the {size:,}-byte file."
FINISHED = "This upload is complete: it is version {version}."
SHORT = (
    "The chunk was cut short: {got:,} of {length:,} bytes arrived. Resume from byte {received:,}."
)
NO_NAME = "The file has no name."


def max_upload_bytes() -> int:
    return getattr(settings, "AUDIO_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def _spool_dir() -> Path:
    root = getattr(settings, "AUDIO_SPOOL_DIR", "") or Path(settings.MEDIA_ROOT) / ".audio-spool"
    folder = Path(root) / connection.schema_name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def spool_path(upload: AudioUpload) -> Path:
    return _spool_dir() / f"{upload.pk}.part"


def _human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


# --- uploads ----------------------------------------------------------------------------------


@transaction.atomic
def upload_start(
    *,
    track: Track,
    filename: str,
    size: int,
    kind: str = AudioVersion.Kind.MIX,
    label: str = "",
    by=None,
) -> AudioUpload:
    """Open an upload of `size` bytes for `track`; the file follows in chunks."""
    permission_check(by, "studio.add_audioversion")
    name = Path(str(filename or "").replace("\\", "/")).name.strip()[:255]
    if not name:
        raise StudioError(NO_NAME, field="filename")
    if kind not in AudioVersion.Kind.values:
        raise StudioError(f"Unknown kind of audio “{kind}”.", field="kind")
    try:
        size = int(size)
    except (TypeError, ValueError):
        raise StudioError(f"“{size}” is not a file size in bytes.", field="size") from None
    if size <= 0:
        raise StudioError(EMPTY, field="size")
    if size > max_upload_bytes():
        raise StudioError(
            TOO_LARGE.format(size=_human(size), limit=_human(max_upload_bytes())), field="size"
        )
    upload = AudioUpload.objects.create(
        track=track,
        kind=kind,
        label=str(label or "").strip()[:120],
        filename=name,
        size_bytes=size,
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit_record(
        action="audioupload.started",
        obj=upload,
        by=by,
        changes={"track": [None, str(track)], "file": [None, name], "size_bytes": [None, size]},
    )
    return upload


def upload_chunk(*, upload: AudioUpload, offset: int, stream, length: int, by=None) -> AudioUpload:
    """Append `length` bytes read from `stream` at `offset` (which must be where the upload
    stands). The chunk that completes the file turns it into a version; a refused file is
    dropped (spool and upload) and the StudioError says why."""
    permission_check(by, "studio.add_audioversion")
    studio_writable_check()  # the spool file is written before anything is audited
    with transaction.atomic():
        upload = (
            AudioUpload.objects.select_for_update(of=("self",))
            .select_related("version")
            .get(pk=upload.pk)
        )
        if upload.version_id:
            if offset == upload.size_bytes and length == 0:
                return upload  # a retried "finish" whose first answer was lost
            raise StudioError(FINISHED.format(version=upload.version.number))
        if offset != upload.received_bytes:
            raise StudioError(
                WRONG_OFFSET.format(offset=offset, received=upload.received_bytes),
                field="offset",
            )
        if length < 0 or offset + length > upload.size_bytes:
            raise StudioError(PAST_END.format(end=offset + length, size=upload.size_bytes))
        got = _spool_append(upload, stream, length)
        upload.received_bytes += got
        upload.save(update_fields=["received_bytes", "updated_at"])
    if got < length:
        raise StudioError(SHORT.format(got=got, length=length, received=upload.received_bytes))
    if upload.received_bytes >= min(HEAD_BYTES, upload.size_bytes) and offset < HEAD_BYTES:
        _refuse_unless(upload, _head_check, by=by)
    if upload.received_bytes == upload.size_bytes:
        return _upload_complete(upload, by=by)
    return upload


def _spool_append(upload: AudioUpload, stream, length: int) -> int:
    """Write up to `length` bytes of `stream` after the bytes already received; what a cut
    request left past that point is dropped first."""
    path = spool_path(upload)
    path.touch(exist_ok=True)
    written = 0
    with path.open("r+b") as spool:
        spool.seek(upload.received_bytes)
        spool.truncate()
        while written < length:
            try:
                piece = stream.read(min(PIECE, length - written))
            except OSError:
                break
            if not piece:
                break
            spool.write(piece)
            written += len(piece)
    return written


def _head_check(path: Path) -> None:
    with path.open("rb") as spool:
        head_check(spool.read(HEAD_BYTES))


def _refuse_unless(upload: AudioUpload, check, *, by) -> None:
    path = spool_path(upload)
    try:
        check(path)
    except AudioCheckError as error:
        upload_discard(upload=upload, by=by)
        raise StudioError(str(error), field="file") from None


def upload_discard(*, upload: AudioUpload, by=None) -> None:
    """Drop an upload that will not be finished: its spool file and its row."""
    permission_check(by, "studio.add_audioversion")
    studio_writable_check()  # before the file goes: the audit's refusal could not bring it back
    spool_path(upload).unlink(missing_ok=True)
    with transaction.atomic():
        dropped, _ = AudioUpload.objects.filter(pk=upload.pk, version__isnull=True).delete()
        if dropped:
            audit_record(
                action="audioupload.discarded",
                obj=upload,
                by=by,
                changes={"received_bytes": [upload.received_bytes, None]},
            )


def uploads_abandoned_drop(*, before) -> int:
    """The daily round's clean-up: uploads nobody finished (no chunk since `before`) lose their
    spool file and their row, audited as the studio's own doing."""
    dropped = 0
    stale = AudioUpload.objects.filter(version__isnull=True, updated_at__lt=before)
    for upload in stale.select_related("track"):
        spool_path(upload).unlink(missing_ok=True)
        with transaction.atomic():
            if AudioUpload.objects.filter(pk=upload.pk, version__isnull=True).delete()[0]:
                audit_record(
                    action="audioupload.abandoned",
                    obj=upload,
                    changes={"received_bytes": [upload.received_bytes, None]},
                )
                dropped += 1
    return dropped


class _HashingFile(File):
    """The spool file, hashed (sha256) as the storage reads it: one pass for both."""

    def __init__(self, handle, name: str):
        super().__init__(handle, name)
        self.digest = hashlib.sha256()

    def chunks(self, chunk_size=None):
        self.seek(0)
        while piece := self.file.read(chunk_size or PIECE):
            self.digest.update(piece)
            yield piece


def _upload_complete(upload: AudioUpload, *, by) -> AudioUpload:
    """Check the whole file and turn it into a version, once: a retried last chunk arriving
    while the first is still being stored waits on the lock, then finds the version made."""
    refusal = None
    with transaction.atomic():
        upload = (
            AudioUpload.objects.select_for_update(of=("self",))
            .select_related("version")
            .get(pk=upload.pk)
        )
        if upload.version_id:
            return upload
        try:
            checked = audio_check(spool_path(upload))
        except AudioCheckError as error:
            refusal = str(error)
        else:
            _version_store(upload, checked, by=by)
    if refusal is not None:
        upload_discard(upload=upload, by=by)
        raise StudioError(refusal, field="file")
    spool_path(upload).unlink(missing_ok=True)
    return upload


def _version_store(upload: AudioUpload, checked, *, by) -> None:
    """Copy the spool into the studio's storage (hashing it on the way), then record the
    version; the stored copy is removed again if anything after it fails.

    The copy (minutes for a long file on an object store) runs before the track is locked, so
    other uploads and edits of the track do not wait for it; the stored name carries the
    upload's id rather than the version number, which is only known under the lock."""
    storage = AudioVersion._meta.get_field("file").storage
    track = Track.objects.get(pk=upload.track_id)
    name = storage.generate_filename(
        f"audio/p{track.project_id}/t{track.pk}/{upload.pk.hex[:12]}-{upload.filename}"
    )
    stored = None
    try:
        with spool_path(upload).open("rb") as handle:
            content = _HashingFile(handle, upload.filename)
            stored = storage.save(name, content, max_length=300)
        with transaction.atomic():
            version = version_create(
                track=track,
                file_name=upload.filename,
                stored_name=stored,
                size_bytes=upload.size_bytes,
                audio_format=checked.audio_format,
                kind=upload.kind,
                label=upload.label,
                sha256=content.digest.hexdigest(),
                by=by,
            )
            AudioVersion.objects.filter(pk=version.pk).update(
                sample_rate=checked.sample_rate, channels=checked.channels
            )
            upload.version = version
            upload.save(update_fields=["version", "updated_at"])
            task_enqueue("studio.tasks.audio_process_task", version.pk)
    except BaseException:
        if stored:
            storage.delete(stored)
        raise


# --- processing -------------------------------------------------------------------------------


@contextmanager
def _local_copy(field):
    """A local path to a stored file: the file itself on disk storage, a temporary download
    (read in pieces) from an object store."""
    try:
        local = field.storage.path(field.name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    with tempfile.NamedTemporaryFile(suffix=Path(field.name).suffix) as copy:
        with field.storage.open(field.name, "rb") as source:
            shutil.copyfileobj(source, copy, PIECE)
        copy.flush()
        yield Path(copy.name)


def _progress_saver(version_id: int):
    last = [-1]

    def save(fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent >= last[0] + 5:
            last[0] = percent
            AudioVersion.objects.filter(pk=version_id).update(progress=percent)

    return save


FAILED = "This file could not be read as audio ({detail}). Upload it again, or export it anew."


def version_process(*, version_id: int) -> AudioVersion:
    """Measure a version's file and store the results with a fresh preview. Running it again
    gives the same result (the preview is replaced, not added)."""
    # numpy, scipy and pyloudnorm load here, in the worker, not in every web process.
    from studio.audio.analysis import analyse, preview_possible

    version = AudioVersion.objects.select_related("track").get(pk=version_id)
    if version.status == AudioVersion.Status.DELETED or not version.file:
        return version
    AudioVersion.objects.filter(pk=version.pk).update(
        status=AudioVersion.Status.PROCESSING, progress=0, error=""
    )
    light = version.audio_format in ("mp3", "ogg")
    with tempfile.TemporaryDirectory() as work:
        preview_file = Path(work) / "preview.mp3"
        try:
            with _local_copy(version.file) as source:
                rate = audio_check(source).sample_rate
                wants_preview = not light and preview_possible(rate)
                result = analyse(
                    source,
                    preview_to=preview_file if wants_preview else None,
                    progress=_progress_saver(version.pk),
                )
        except (AudioCheckError, ValueError, RuntimeError, OSError) as error:
            # A check's refusal already reads as a sentence; a decoder's error gets one around it.
            message = (
                str(error) if isinstance(error, AudioCheckError) else FAILED.format(detail=error)
            )
            AudioVersion.objects.filter(pk=version.pk).update(
                status=AudioVersion.Status.FAILED, error=message[:300]
            )
            version.refresh_from_db()
            return version
        old_preview = version.preview.name
        if old_preview:
            version.preview.storage.delete(old_preview)
        version.preview = ""
        if wants_preview:
            stem = Path(version.original_name).stem or "audio"
            with preview_file.open("rb") as handle:
                version.preview.save(f"{stem}.mp3", File(handle), save=False)
    version.duration_seconds = result.duration_seconds
    version.sample_rate = result.sample_rate
    version.bit_depth = result.bit_depth
    version.channels = result.channels
    version.peaks = result.peaks
    version.lufs = result.lufs
    version.peak_dbfs = result.peak_dbfs
    version.status = AudioVersion.Status.READY
    version.progress = 100
    version.error = ""
    version.save(
        update_fields=[
            "duration_seconds",
            "sample_rate",
            "bit_depth",
            "channels",
            "peaks",
            "lufs",
            "peak_dbfs",
            "status",
            "progress",
            "error",
            "preview",
        ]
    )
    _track_duration_fill(version)
    return version


def _track_duration_fill(version: AudioVersion) -> None:
    """A track without a duration takes its newest mix's or master's."""
    if version.kind not in (AudioVersion.Kind.MIX, AudioVersion.Kind.MASTER):
        return
    newest = (
        AudioVersion.objects.filter(
            track_id=version.track_id,
            kind__in=[AudioVersion.Kind.MIX, AudioVersion.Kind.MASTER],
            status=AudioVersion.Status.READY,
        )
        .order_by("-number")
        .first()
    )
    if newest is not None and newest.pk == version.pk:
        Track.objects.filter(pk=version.track_id, duration_seconds__isnull=True).update(
            duration_seconds=round(version.duration_seconds)
        )
