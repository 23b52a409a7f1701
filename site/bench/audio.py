"""Audio figures: processing time per minute of audio beside the time to decode it alone,
and the web process's memory while a 1 GB file is uploaded through the real endpoints.

- `audio_process_s_per_audio_min`: `version_process` (content check, peaks, BS.1770 loudness,
  sample peak, MP3 preview) on a generated 3-minute 48 kHz/24-bit stereo WAV, per minute of
  audio; `audio_decode_s_per_audio_min` reads the same file in the same blocks and does nothing
  else, the floor any processing pays.
- `audio_measure_only_s_per_audio_min`: the same pass without the preview (peaks, loudness,
  sample peak): the rest is the MP3 encoder.
- `audio_upload_peak_rss_mb`: one gunicorn worker on loopback receives a 1 GB WAV in 8 MB
  chunks (start, chunks, the last one checks, hashes and copies it into storage); its RSS is
  sampled from /proc every 20 ms, and the figure is the highest sample above the worker's RSS
  after a small warm-up upload.
"""

from __future__ import annotations

import http.client
import io
import json
import secrets
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from siteconf.bench.availability import free_port, gunicorn_start
from siteconf.bench.stats import p50
from siteconf.bench.studios import bench_studio, owner_email
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import AudioUpload, AudioVersion, Client
from studio.services import audio_uploads, projects
from studio.services.audio_uploads import spool_path

ROOT = Path(settings.BASE_DIR)
RATE = 48000
SECONDS = 180
UPLOAD_BYTES = 1024**3
CHUNK = audio_uploads.CHUNK_SIZE


def _write_wav(path: Path, seconds: int) -> None:
    """A stereo 48 kHz/24-bit WAV of chords and noise, written 10 s at a time."""
    rng = np.random.default_rng(16)
    step = 10 * RATE
    with soundfile.SoundFile(path, "w", RATE, 2, subtype="PCM_24") as out:
        for start in range(0, seconds * RATE, step):
            t = (start + np.arange(step)) / RATE
            tone = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 6
            swell = 0.5 + 0.4 * np.sin(2 * np.pi * t / 23)
            left = tone * swell + 0.05 * rng.standard_normal(step)
            right = np.roll(tone, 240) * swell + 0.05 * rng.standard_normal(step)
            out.write(np.stack([left, right], axis=1) * 0.7)


def _track():
    client = Client.objects.create(name="Bench Band", email="band@bench-audio.example")
    project = projects.project_create(client=client, title="Bench Album")
    return projects.track_create(project=project, title="Long Take")


def _upload_local(track, path: Path):
    size = path.stat().st_size
    upload = audio_uploads.upload_start(track=track, filename=path.name, size=size)
    with path.open("rb") as source:
        for offset in range(0, size, CHUNK):
            length = min(CHUNK, size - offset)
            upload = audio_uploads.upload_chunk(
                upload=upload, offset=offset, stream=source, length=length
            )
    return upload.version


def _decode_only(path: Path) -> float:
    from studio.audio.analysis import BLOCK_SECONDS

    began = time.perf_counter()
    with soundfile.SoundFile(str(path)) as source:
        for _ in source.blocks(int(BLOCK_SECONDS * source.samplerate), dtype="float32"):
            pass
    return time.perf_counter() - began


def _queued_drop(schema: str) -> None:
    """Processing tasks the benchmark's uploads queued (no worker runs during a benchmark):
    dropped with the studio, so no worker later looks for a schema that is gone."""
    from django_q.models import OrmQ

    for queued in OrmQ.objects.all():
        try:
            name = queued.name() or ""
        except Exception:  # a payload signed with another key: not ours
            continue
        if name.endswith(f"@{schema}"):
            queued.delete()


def _files_drop(version: AudioVersion) -> None:
    for field in (version.file, version.preview):
        if field:
            field.storage.delete(field.name)


def bench_audio(*, progress: Callable[[str], None], runs: int = 3) -> dict:
    studio = bench_studio(slug="bench-audio", name="Bench Audio")
    work = Path(settings.AUDIO_SPOOL_DIR) / "bench"
    work.mkdir(parents=True, exist_ok=True)
    source = work / "long-take.wav"
    try:
        progress(f"  writing a {SECONDS} s 48 kHz/24-bit stereo WAV ...")
        _write_wav(source, SECONDS)
        with schema_context(studio.schema_name):
            version = _upload_local(_track(), source)
            decode, process = [], []
            for run in range(runs):
                decode.append(_decode_only(Path(version.file.path)))
                began = time.perf_counter()
                done = audio_uploads.version_process(version_id=version.pk)
                process.append(time.perf_counter() - began)
                progress(f"  run {run + 1}: decode {decode[-1]:.2f} s, process {process[-1]:.2f} s")
            if done.status != AudioVersion.Status.READY:
                raise RuntimeError(f"processing failed: {done.error}")
            # The same pass without the MP3 preview: what the encoder costs on its own.
            from studio.audio.analysis import analyse

            began = time.perf_counter()
            analyse(Path(version.file.path))
            measure = time.perf_counter() - began
        minutes = SECONDS / 60
        return {
            "audio_process_s_per_audio_min": round(p50(process) / minutes, 3),
            "audio_decode_s_per_audio_min": round(p50(decode) / minutes, 3),
            "audio_process_vs_decode": round(p50(process) / p50(decode), 1),
            "audio_measure_only_s_per_audio_min": round(measure / minutes, 3),
            "audio_lufs_measured": done.lufs,
            "audio_peak_points": len(done.peaks[0]),
        }
    finally:
        with schema_context(studio.schema_name):
            for version in AudioVersion.objects.all():  # re-read: the preview is named now
                _files_drop(version)
        source.unlink(missing_ok=True)
        work.rmdir()
        _queued_drop(studio.schema_name)
        studio_destroy(studio=studio)


# --- upload memory ----------------------------------------------------------------------------


def _wav_header(data_bytes: int) -> bytes:
    """The 44-byte header of a 48 kHz/24-bit stereo PCM WAV holding `data_bytes` of sound."""
    block_align = 2 * 3
    return b"".join(
        [
            b"RIFF",
            struct.pack("<I", 36 + data_bytes),
            b"WAVEfmt ",
            struct.pack("<IHHIIHH", 16, 1, 2, RATE, RATE * block_align, block_align, 24),
            b"data",
            struct.pack("<I", data_bytes),
        ]
    )


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{master}/task").iterdir():
            children = (task / "children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class _Session:
    """HTTP to the worker as the studio's owner (session cookie, CSRF token and Origin)."""

    def __init__(self, port: int, host: str, cookie: str):
        self.port, self.host = port, host
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        scheme = "https" if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) else "http"
        self.headers = {
            "Host": host,
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
            "X-CSRFToken": self.csrf,
            "Origin": f"{scheme}://{host}",
            "X-Forwarded-Proto": "https",
        }

    def call(self, method: str, path: str, body=b"", headers=None) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            if response.status >= 300:
                raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
            return json.loads(data)
        finally:
            conn.close()

    def upload(self, track_id: int, size: int, piece) -> dict:
        """Upload a `size`-byte WAV; `piece(offset, length)` gives its bytes."""
        started = self.call(
            "POST",
            "/admin/audio/uploads/",
            json.dumps({"track": track_id, "filename": "stems.wav", "size": size}),
            {"Content-Type": "application/json"},
        )
        state = started
        for offset in range(0, size, CHUNK):
            length = min(CHUNK, size - offset)
            state = self.call(
                "PUT",
                started["url"],
                piece(offset, length),
                {
                    "Content-Type": "application/octet-stream",
                    "Content-Range": f"bytes {offset}-{offset + length - 1}/{size}",
                },
            )
        return state


def _big_wav_piece(size: int):
    header = _wav_header(size - 44)
    noise = np.random.default_rng(3).integers(0, 256, CHUNK, dtype=np.uint8).tobytes()

    def piece(offset: int, length: int) -> bytes:
        if offset == 0:
            return header + noise[: length - len(header)]
        return noise[:length]

    return piece


def bench_audio_upload(*, progress: Callable[[str], None]) -> dict:
    studio = bench_studio(slug="bench-upload", name="Bench Upload")
    host = studio.domains.first().domain
    server = None
    try:
        with schema_context(studio.schema_name):
            track = _track()
            owner = User.objects.get(email=owner_email("bench-upload"))
            browser = HttpClient(HTTP_HOST=host)
            browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
            cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
        port = free_port()
        server = gunicorn_start(port, workers=1, timeout=600)
        worker = _worker_pid(server.pid)
        session = _Session(port, host, cookie)
        small = io.BytesIO()
        soundfile.write(small, np.zeros((RATE, 2)), RATE, format="WAV", subtype="PCM_24")
        warm = small.getvalue()
        session.upload(track.pk, len(warm), lambda offset, length: warm[offset : offset + length])
        idle = _rss_mb(worker)
        samples = [idle]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(_rss_mb(worker))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        progress(f"  uploading 1 GB in {CHUNK // 1024**2} MB chunks (worker idle at {idle:.0f} MB)")
        began = time.perf_counter()
        state = session.upload(track.pk, UPLOAD_BYTES, _big_wav_piece(UPLOAD_BYTES))
        took = time.perf_counter() - began
        stop.set()
        sampler.join()
        if not state.get("version_id"):
            raise RuntimeError(f"the 1 GB upload did not become a version: {state}")
        return {
            "audio_upload_peak_rss_mb": round(max(samples) - idle, 1),
            "audio_upload_idle_rss_mb": round(idle, 1),
            "audio_upload_mb_per_s": round(UPLOAD_BYTES / 1024**2 / took, 1),
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with schema_context(studio.schema_name):
            for version in AudioVersion.objects.all():
                _files_drop(version)
            for upload in AudioUpload.objects.all():
                spool_path(upload).unlink(missing_ok=True)
        _queued_drop(studio.schema_name)
        studio_destroy(studio=studio)
