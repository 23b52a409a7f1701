"""Processing a version: what the file holds, its waveform peaks, its loudness (BS.1770, the
same figure pyloudnorm gives for the whole signal) and its streaming preview, for every
accepted format, computed once and the same when computed again."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile

from studio.audio.analysis import analyse
from studio.models import AudioVersion
from studio.services import audio_uploads as svc
from tests.audio.conftest import encoded, sine

pytestmark = pytest.mark.django_db


def uploaded(track, data: bytes, name: str, kind: str = "mix") -> AudioVersion:
    upload = svc.upload_start(track=track, filename=name, size=len(data), kind=kind)
    upload = svc.upload_chunk(upload=upload, offset=0, stream=io.BytesIO(data), length=len(data))
    return upload.version


def reference_lufs(data: bytes) -> float:
    signal, rate = soundfile.read(io.BytesIO(data))
    return pyloudnorm.Meter(rate).integrated_loudness(signal)


FORMATS = [
    ("mix.wav", "WAV", "PCM_24", "wav", 24),
    ("mix.aiff", "AIFF", "PCM_16", "aiff", 16),
    ("mix.flac", "FLAC", "PCM_24", "flac", 24),
    ("mix.mp3", "MP3", "MPEG_LAYER_III", "mp3", None),
    ("mix.ogg", "OGG", "VORBIS", "ogg", None),
]


@pytest.mark.parametrize(("name", "fmt", "subtype", "code", "bits"), FORMATS)
def test_each_format_is_measured(track, name, fmt, subtype, code, bits):
    data = encoded(sine(6.0), fmt=fmt, subtype=subtype)
    version = svc.version_process(version_id=uploaded(track, data, name).pk)
    assert version.status == AudioVersion.Status.READY, version.error
    assert version.audio_format == code
    assert (version.sample_rate, version.channels, version.bit_depth) == (48000, 2, bits)
    assert version.duration_seconds == pytest.approx(6.0, abs=0.06)
    assert version.lufs == pytest.approx(reference_lufs(data), abs=0.05)
    assert len(version.peaks) == 2
    assert all(900 <= len(channel) <= 1000 for channel in version.peaks)
    left, right = (np.array(channel) for channel in version.peaks)
    assert left.max() <= 1.0 and right.min() >= 0.0
    # -20 dBFS is 0.1 of full scale; the right channel was made half as loud.
    assert np.median(left) == pytest.approx(0.1, abs=0.01)
    assert np.median(right) == pytest.approx(0.05, abs=0.01)
    assert version.peak_dbfs == pytest.approx(-20.0, abs=0.5)


def test_a_wav_gets_a_stereo_mp3_preview_and_an_mp3_streams_as_it_is(track):
    wav = svc.version_process(
        version_id=uploaded(track, encoded(sine(3.0, channels=1)), "v.wav").pk
    )
    with wav.preview.open("rb") as preview:
        info = soundfile.info(io.BytesIO(preview.read()))
    assert (info.format, info.channels, info.samplerate) == ("MP3", 2, 48000)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    assert wav.channels == 1 and len(wav.peaks) == 1
    mp3_data = encoded(sine(3.0), fmt="MP3", subtype="MPEG_LAYER_III")
    mp3 = svc.version_process(version_id=uploaded(track, mp3_data, "v.mp3").pk)
    assert not mp3.preview


def test_a_96k_master_is_previewed_at_48k(track):
    data = encoded(sine(2.0, rate=96000), rate=96000)
    version = svc.version_process(version_id=uploaded(track, data, "hi-res.wav", "master").pk)
    assert version.sample_rate == 96000
    with version.preview.open("rb") as preview:
        audio, rate = soundfile.read(io.BytesIO(preview.read()))
    assert rate == 48000
    # The 1 kHz tone survives the decimation at its level (-20 dBFS, 0.1 peak).
    assert np.abs(audio[24000:72000, 0]).max() == pytest.approx(0.1, abs=0.01)


def test_processing_twice_gives_the_same_result_and_one_preview(track, media):
    version = uploaded(track, encoded(sine(2.0)), "mix.wav")
    first = svc.version_process(version_id=version.pk)
    again = svc.version_process(version_id=version.pk)
    fields = ("duration_seconds", "lufs", "peak_dbfs", "peaks", "preview", "status")
    assert [getattr(first, f) for f in fields] == [getattr(again, f) for f in fields]
    assert len(list((media / "media").rglob("previews/*.mp3"))) == 1


def test_silence_has_no_loudness_and_flat_peaks(track):
    data = encoded(np.zeros((48000, 2)))
    version = svc.version_process(version_id=uploaded(track, data, "silence.wav").pk)
    assert version.status == AudioVersion.Status.READY
    assert version.lufs is None and version.peak_dbfs is None
    assert set(version.peaks[0]) == {0.0}


def test_an_unreadable_stored_file_fails_with_a_plain_message(track):
    version = uploaded(track, encoded(sine(1.0)), "mix.wav")
    Path(version.file.path).write_bytes(b"%PDF-1.4 replaced on disk")
    version = svc.version_process(version_id=version.pk)
    assert version.status == AudioVersion.Status.FAILED
    assert version.error.startswith("This file is a PDF document, not audio.")


def test_the_track_takes_the_duration_of_its_first_mix_only_when_it_has_none(track):
    svc.version_process(version_id=uploaded(track, encoded(sine(4.2)), "a.wav").pk)
    track.refresh_from_db()
    assert track.duration_seconds == 4
    svc.version_process(version_id=uploaded(track, encoded(sine(9.0)), "b.wav").pk)
    track.refresh_from_db()
    assert track.duration_seconds == 4


def test_loudness_of_a_long_file_read_in_blocks_matches_the_whole_signal(tmp_path):
    # 61 s of noise shaped in level: several blocks, gating at work, an odd last segment.
    rng = np.random.default_rng(7)
    t = np.arange(int(61.37 * 44100)) / 44100
    signal = 0.2 * rng.standard_normal((len(t), 2)) * (0.2 + np.abs(np.sin(t / 7)))[:, None]
    path = tmp_path / "long.wav"
    soundfile.write(path, signal, 44100, subtype="FLOAT")
    result = analyse(path)
    expected = pyloudnorm.Meter(44100).integrated_loudness(soundfile.read(path)[0])
    assert result.lufs == pytest.approx(expected, abs=0.02)
    assert result.peak_dbfs == pytest.approx(20 * math.log10(np.abs(signal).max()), abs=0.01)
    assert len(result.peaks[0]) == 1000
