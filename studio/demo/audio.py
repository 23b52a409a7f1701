"""Short pieces of music for the demo's audio versions, made up on the spot from a seed.

A few bars of a chord progression over a kick and hi-hat, in stereo: enough for the player, the
waveform, the comments and the loudness-matched A/B to be seen and heard. Two mixes of the same
piece differ as a real v1 and v2 would: the lead a little louder, the whole a little hotter.
Nothing here touches the database.
"""

from __future__ import annotations

import io

import numpy as np
import soundfile

RATE = 44100
# Semitones from A4 of each chord's notes (I, V, vi and IV in C major).
PROGRESSION = [(-9, -5, -2), (-2, 2, 5), (0, 3, 7), (-4, 0, 3)]


def _tone(freq: float, seconds: float, *, level: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    wave = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
    envelope = np.minimum(1.0, t * 20) * np.exp(-t * 0.8)
    return level * wave * envelope


def _kick(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return np.sin(2 * np.pi * (50 + 90 * np.exp(-t * 30)) * t) * np.exp(-t * 9)


def piece(*, seed: int, seconds: float = 90.0, version: int = 1) -> bytes:
    """A stereo 16-bit WAV of about `seconds`, the same piece for a seed, mixed per `version`."""
    rng = np.random.default_rng(seed)
    bpm = 96 + seed % 24
    beat = 60.0 / bpm
    total = int(seconds * RATE)
    left, right = np.zeros(total), np.zeros(total)
    bar = 4 * beat
    lead_gain = 0.18 * (1.0 + 0.35 * (version - 1))
    position = 0.0
    chord_index = 0
    while position < seconds - bar:
        start = int(position * RATE)
        chord = PROGRESSION[chord_index % len(PROGRESSION)]
        for semitone in chord:
            note = _tone(440 * 2 ** (semitone / 12), bar, level=0.09)
            end = min(total, start + note.size)
            left[start:end] += note[: end - start]
            right[start:end] += 0.8 * note[: end - start]
        for step in range(4):
            at = int((position + step * beat) * RATE)
            kick = _kick(beat * 0.9)
            end = min(total, at + kick.size)
            left[at:end] += 0.35 * kick[: end - at]
            right[at:end] += 0.35 * kick[: end - at]
            hat_at = int((position + (step + 0.5) * beat) * RATE)
            hat = rng.normal(0, 1, int(0.04 * RATE)) * np.exp(-np.arange(int(0.04 * RATE)) / 300)
            end = min(total, hat_at + hat.size)
            right[hat_at:end] += 0.05 * hat[: end - hat_at]
            left[hat_at:end] += 0.03 * hat[: end - hat_at]
            melody = _tone(880 * 2 ** (rng.choice(chord) / 12), beat * 0.9, level=lead_gain)
            end = min(total, at + melody.size)
            left[at:end] += 0.7 * melody[: end - at]
            right[at:end] += melody[: end - at]
        position += bar
        chord_index += 1
    stereo = np.stack([left, right], axis=1)
    stereo *= (0.7 if version == 1 else 0.85) / max(1e-9, float(np.abs(stereo).max()))
    out = io.BytesIO()
    soundfile.write(out, stereo, RATE, format="WAV", subtype="PCM_16")
    return out.getvalue()
