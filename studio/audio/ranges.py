"""HTTP byte ranges (RFC 9110 §14) for serving audio: a player seeking in a 40-minute master
asks for `Range: bytes=183500800-`, and must get those bytes, not the file from the start.

One range per request is served; a request for several ranges gets the whole file, which the
RFC allows and which no audio element asks for.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(ValueError):
    """The range lies outside the file: answered 416 with the file's size."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, that `header` asks of a `size`-byte file; None for the
    whole file (no header, one the server ignores, or a range covering everything)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: ignored, the whole file is sent
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable(header)
        start, end = max(size - suffix, 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if start >= size:
            raise Unsatisfiable(header)
        if last and int(last) < start:
            return None  # an invalid range is ignored (RFC 9110 §14.1.1)
    return start, end


def file_pieces(handle, start: int, length: int, piece: int = 256 * 1024):
    """`length` bytes of an open file from `start`, in pieces; the file is closed at the end."""
    try:
        handle.seek(start)
        left = length
        while left > 0:
            data = handle.read(min(piece, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()
