"""What a file is, told from its first bytes and its structure rather than from its name.

A PDF renamed `mix.wav` is still a PDF: the upload is refused with the type that was found. A
WAV or AIFF whose header promises more sound than the file holds was cut short in transfer (a
dropped connection, a disk that filled up) and is refused too, rather than stored as a mix that
stops half way.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

ACCEPTED = ("wav", "aiff", "flac", "mp3", "ogg")
HEAD_BYTES = 64

EMPTY = "This file is empty (0 bytes): nothing was received."
NOT_AUDIO = "This file is {found}, not audio. Upload a WAV, AIFF, FLAC, MP3 or OGG file."
NOT_ACCEPTED = (
    "This file is {found}, which is not accepted. Upload a WAV, AIFF, FLAC, MP3 or OGG file."
)
TRUNCATED = (
    "This {kind} file is cut short: its header announces {expected:,} bytes of sound but only "
    "{found:,} are there. Export it again, or upload it again in full."
)
UNREADABLE = "This file looks like {kind} but cannot be read as audio ({detail})."


class AudioCheckError(ValueError):
    """The file is not audio we accept; the message says what it is instead."""


@dataclass(frozen=True)
class Checked:
    audio_format: str  # one of ACCEPTED
    sample_rate: int
    channels: int
    frames: int
    subtype: str


# Signatures of the files people most often upload by mistake, so that the refusal says what
# the file is ("a PDF document"), not only what it is not.
_OTHER_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive (or a Word/Excel document)"),
    (0, b"\x89PNG", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF8", "a GIF image"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"Rar!", "a RAR archive"),
    (0, b"7z\xbc\xaf", "a 7-Zip archive"),
    (0, b"\x7fELF", "a program"),
    (0, b"MZ", "a Windows program"),
    (0, b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
    (0, b"{\\rtf", "an RTF document"),
    (4, b"ftyp", "an MP4/M4A (AAC) file"),
    (8, b"AVI ", "an AVI video"),
    (8, b"WEBP", "a WebP image"),
)


def _identify(head: bytes) -> str:
    """The accepted format code, or a description of what else the bytes are."""
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    for offset, signature, description in _OTHER_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return description
    sample = head.lstrip(b"\xef\xbb\xbf")
    if sample[:1] == b"<":
        return "an HTML or XML document"
    if sample and all(32 <= byte < 127 or byte in b"\t\r\n" for byte in sample):
        return "a text file"
    return "of an unknown type"


def _chunks(handle, start: int, end: int, little: bool):
    """(id, size, offset of the data) of each RIFF/IFF chunk between `start` and `end`."""
    position = start
    fmt = "<4sI" if little else ">4sI"
    while position + 8 <= end:
        handle.seek(position)
        header = handle.read(8)
        if len(header) < 8:
            return
        chunk_id, size = struct.unpack(fmt, header)
        yield chunk_id, size, position + 8
        position += 8 + size + (size & 1)


def _truncation(path: Path, audio_format: str, file_size: int) -> tuple[int, int] | None:
    """(bytes announced, bytes present) when the sound data chunk runs past the end of file."""
    with path.open("rb") as handle:
        head = handle.read(12)
        if audio_format == "wav":
            little, sound = head[:4] != b"RIFX", b"data"
        else:
            little, sound = False, b"SSND"
        for chunk_id, size, offset in _chunks(handle, 12, file_size, little):
            if chunk_id != sound:
                continue
            # RF64 keeps the real size elsewhere (ds64) and writes 0xFFFFFFFF here.
            if size == 0xFFFFFFFF:
                return None
            present = file_size - offset
            return (size, present) if size > present else None
    return None


def head_check(head: bytes) -> str:
    """The accepted format the first bytes of a file announce, or AudioCheckError saying what
    the file is instead. Enough to refuse a PDF before the rest of it is uploaded."""
    found = _identify(head)
    if found not in ACCEPTED:
        template = NOT_ACCEPTED if found.startswith("an MP4") else NOT_AUDIO
        raise AudioCheckError(template.format(found=found))
    return found


def audio_check(path: Path) -> Checked:
    """Check the file at `path` by its content, or raise AudioCheckError saying what it is."""
    size = path.stat().st_size
    if size == 0:
        raise AudioCheckError(EMPTY)
    with path.open("rb") as handle:
        found = head_check(handle.read(HEAD_BYTES))
    kind = found.upper()
    if found in ("wav", "aiff"):
        cut = _truncation(path, found, size)
        if cut is not None:
            raise AudioCheckError(TRUNCATED.format(kind=kind, expected=cut[0], found=cut[1]))
    import soundfile  # loads numpy: only when a file is complete, not in every web process

    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioCheckError(UNREADABLE.format(kind=kind, detail=error)) from None
    if info.frames <= 0 or info.samplerate <= 0 or info.channels <= 0:
        raise AudioCheckError(UNREADABLE.format(kind=kind, detail="it holds no sound"))
    return Checked(
        audio_format=found,
        sample_rate=info.samplerate,
        channels=info.channels,
        frames=info.frames,
        subtype=info.subtype,
    )
