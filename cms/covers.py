"""Abstract cover images for demo content (blog posts), drawn with Pillow.

They keep fixtures/cms/ free of binary files for anything that is not a product screenshot: a
dark gradient with an audio waveform, the same image for the same seed on every run.
"""

from __future__ import annotations

import math
import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def waveform_cover(
    *, start: str = "#1b1430", end: str = "#7c3aed", bars: str = "#f0abfc", seed: int = 1
) -> bytes:
    """A diagonal gradient with a glowing waveform across the middle, as WebP bytes."""
    rng = random.Random(seed)
    top, bottom, bar = _hex(start), _hex(end), _hex(bars)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=_mix(top, bottom, (y / HEIGHT) ** 1.4))

    waves = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    wave_draw = ImageDraw.Draw(waves)
    step, width = 22, 12
    phase = rng.uniform(0, math.tau)
    for i, x in enumerate(range(80, WIDTH - 80, step)):
        envelope = 0.35 + 0.65 * abs(math.sin(i / 9 + phase)) * (0.6 + 0.4 * math.sin(i / 23))
        height = max(10, int(HEIGHT * 0.42 * envelope * rng.uniform(0.55, 1.0)))
        alpha = int(150 + 100 * envelope)
        wave_draw.rounded_rectangle(
            [x, HEIGHT / 2 - height / 2, x + width, HEIGHT / 2 + height / 2],
            radius=width // 2,
            fill=(*bar, alpha),
        )
    glow = waves.filter(ImageFilter.GaussianBlur(18))
    image = Image.alpha_composite(image.convert("RGBA"), glow)
    image = Image.alpha_composite(image, waves).convert("RGB")

    out = BytesIO()
    image.save(out, "WEBP", quality=82, method=6)
    return out.getvalue()
