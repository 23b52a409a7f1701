"""One pass over an audio file, block by block: technical details, waveform peaks, integrated
loudness and sample peak, and (optionally) the MP3 preview the players stream.

The file is never decoded whole: a 10-minute 96 kHz stem is 230 M samples, several gigabytes as
floats. Each block is read once and feeds every measurement, so processing costs one decode.

Loudness is ITU-R BS.1770-4 (EBU R 128) integrated loudness, computed block-wise with the
K-weighting filters pyloudnorm defines (its own `integrated_loudness` wants the whole signal
in memory): the filters keep their state from block to block, mean squares are summed per
100 ms, and the 400 ms gating blocks (75 % overlap) are built from those sums, so the figure
matches pyloudnorm's for files of any length. The peak is the sample peak (no oversampling).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyloudnorm
import soundfile
from scipy import signal

PEAK_POINTS = 1000
BLOCK_SECONDS = 2.0
# Channel weights of BS.1770 (L, R, C, Ls, Rs); channels past the fifth count as surrounds.
CHANNEL_GAINS = (1.0, 1.0, 1.0, 1.41, 1.41)
ABSOLUTE_GATE = -70.0
PREVIEW_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
# MP3 quality for libsndfile's encoder (0 best .. 1 smallest): about 190-200 kbps constant.
PREVIEW_COMPRESSION = 0.4

BIT_DEPTHS = {
    "PCM_S8": 8,
    "PCM_U8": 8,
    "PCM_16": 16,
    "PCM_24": 24,
    "PCM_32": 32,
    "FLOAT": 32,
    "DOUBLE": 64,
    "ALAC_16": 16,
    "ALAC_24": 24,
}


@dataclass(frozen=True)
class Analysis:
    duration_seconds: float
    sample_rate: int
    channels: int
    bit_depth: int | None
    frames: int
    peaks: list[list[float]]
    lufs: float | None
    peak_dbfs: float | None


class _Loudness:
    """BS.1770 integrated loudness fed block by block."""

    def __init__(self, rate: int, channels: int):
        meter = pyloudnorm.Meter(rate)
        self.stages = [(stage.passband_gain, stage.b, stage.a) for stage in meter._filters.values()]
        self.states = [
            [signal.lfilter_zi(b, a) * 0.0 for _ in range(channels)] for _, b, a in self.stages
        ]
        self.hop = max(1, round(rate / 10))  # 100 ms
        self.block = 0.4 * rate
        self.rate = rate
        self.gains = np.array([CHANNEL_GAINS[min(i, 4)] for i in range(channels)])
        self.carry = np.zeros((0, channels))
        self.segments: list[np.ndarray] = []  # per 100 ms: sum of squares per channel
        self.samples = 0

    def feed(self, block: np.ndarray) -> None:
        weighted = np.empty_like(block, dtype=np.float64)
        for ch in range(block.shape[1]):
            column = block[:, ch].astype(np.float64)
            for index, (gain, b, a) in enumerate(self.stages):
                column, self.states[index][ch] = signal.lfilter(
                    b, a, column, zi=self.states[index][ch]
                )
                column = column * gain if gain != 1.0 else column
            weighted[:, ch] = column
        self.samples += len(block)
        squares = np.concatenate([self.carry, weighted * weighted])
        whole = len(squares) // self.hop * self.hop
        if whole:
            self.segments.append(squares[:whole].reshape(-1, self.hop, squares.shape[1]).sum(1))
        self.carry = squares[whole:]

    def integrated(self) -> float | None:
        parts = list(self.segments)
        if len(self.carry):
            parts.append(self.carry.sum(0, keepdims=True))
        if not parts:
            return None
        segments = np.concatenate(parts)
        seconds = self.samples / self.rate
        count = int(np.round((seconds - 0.4) / 0.1)) + 1
        if count < 1:
            return None
        # Gating block j covers 100 ms segments j..j+3 (fewer at the very end).
        cumulative = np.vstack([np.zeros((1, segments.shape[1])), np.cumsum(segments, axis=0)])
        starts = np.arange(count)
        ends = np.minimum(starts + 4, len(segments))
        z = (cumulative[ends] - cumulative[np.minimum(starts, len(segments))]) / self.block
        with np.errstate(divide="ignore"):
            levels = -0.691 + 10.0 * np.log10(z @ self.gains)
        gated = z[levels >= ABSOLUTE_GATE]
        if not len(gated):
            return None
        relative = -0.691 + 10.0 * np.log10(gated.mean(0) @ self.gains) - 10.0
        gated = z[(levels > relative) & (levels > ABSOLUTE_GATE)]
        if not len(gated):
            return None
        return float(-0.691 + 10.0 * np.log10(gated.mean(0) @ self.gains))


class _Preview:
    """A stereo MP3 at 44.1 or 48 kHz: higher rates are low-passed and decimated by an integer
    factor (96 → 48, 88.2 → 44.1, 192 → 48 kHz), with the filter's state kept across blocks."""

    def __init__(self, target: Path, rate: int):
        self.factor = 1
        out_rate = rate
        if rate not in PREVIEW_RATES:
            for base in (48000, 44100):
                if rate > base and rate % base == 0:
                    self.factor, out_rate = rate // base, base
                    break
            else:
                raise ValueError(f"no MP3 preview for {rate} Hz")
        self.taps = signal.firwin(129, 0.9 / self.factor) if self.factor > 1 else None
        self.state = None
        self.phase = 0
        self.file = soundfile.SoundFile(
            str(target),
            "w",
            samplerate=out_rate,
            channels=2,
            format="MP3",
            subtype="MPEG_LAYER_III",
            compression_level=PREVIEW_COMPRESSION,
            bitrate_mode="CONSTANT",
        )

    def feed(self, block: np.ndarray) -> None:
        stereo = block[:, :2] if block.shape[1] >= 2 else np.repeat(block, 2, axis=1)
        if self.taps is not None:
            if self.state is None:
                self.state = np.zeros((len(self.taps) - 1, 2))
            stereo, self.state = signal.lfilter(self.taps, 1.0, stereo, axis=0, zi=self.state)
            kept = stereo[self.phase :: self.factor]
            self.phase = (self.phase - len(stereo)) % self.factor
            stereo = kept
        self.file.write(np.clip(stereo, -1.0, 1.0).astype(np.float32))

    def close(self) -> None:
        self.file.close()


def _blocks(path: Path, container: str, size: int):
    """The file's samples as float32 blocks of `size` frames.

    MP3 is decoded in one read: libsndfile 1.2.2 (bundled by soundfile 0.14) loses its place in
    the MPEG stream between reads, returning silence and shifted samples after each block. The
    decoded file is kept as 16-bit integers (what the decoder's precision warrants) and
    converted block by block: 10 minutes of 48 kHz stereo hold about 110 MB while processed.
    """
    if container == "MP3":
        whole, _ = soundfile.read(str(path), dtype="int16", always_2d=True)
        for start in range(0, len(whole), size):
            yield whole[start : start + size].astype(np.float32) / 32768.0
        return
    with soundfile.SoundFile(str(path)) as source:
        while True:
            block = source.read(size, dtype="float32", always_2d=True)
            if not len(block):
                return
            yield block


def preview_possible(sample_rate: int) -> bool:
    return sample_rate in PREVIEW_RATES or any(
        sample_rate > base and sample_rate % base == 0 for base in (48000, 44100)
    )


def analyse(
    path: Path,
    *,
    preview_to: Path | None = None,
    progress: Callable[[float], None] | None = None,
) -> Analysis:
    """Measure the file at `path` in one streaming pass; write the MP3 preview to `preview_to`
    when given. `progress` is called with the fraction read (0..1) after each block."""
    info = soundfile.info(str(path))
    rate, channels = info.samplerate, info.channels
    expected = max(int(info.frames), 1)
    # Each block holds whole peak buckets, so a bucket never straddles two reads.
    bucket = max(1, math.ceil(expected / PEAK_POINTS))
    block_frames = max(1, round(BLOCK_SECONDS * rate / bucket)) * bucket
    loudness = _Loudness(rate, channels)
    preview = _Preview(preview_to, rate) if preview_to is not None else None
    peaks: list[np.ndarray] = []
    frames, top = 0, 0.0
    try:
        for block in _blocks(path, info.format, block_frames):
            frames += len(block)
            magnitude = np.abs(block)
            top = max(top, float(magnitude.max()))
            padded = -len(block) % bucket
            if padded:
                magnitude = np.pad(magnitude, ((0, padded), (0, 0)))
            peaks.append(magnitude.reshape(-1, bucket, channels).max(axis=1))
            loudness.feed(block)
            if preview is not None:
                preview.feed(block)
            if progress is not None:
                progress(min(frames / expected, 1.0))
    finally:
        if preview is not None:
            preview.close()
    if not frames:
        raise ValueError("the file holds no sound")
    table = np.clip(np.concatenate(peaks), 0.0, 1.0).round(4)
    return Analysis(
        duration_seconds=frames / rate,
        sample_rate=rate,
        channels=channels,
        bit_depth=BIT_DEPTHS.get(info.subtype),
        frames=frames,
        peaks=[table[:, ch].tolist() for ch in range(channels)][:2],
        lufs=_rounded(loudness.integrated()),
        peak_dbfs=round(20 * math.log10(top), 2) if top > 0 else None,
    )


def _rounded(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 2)
