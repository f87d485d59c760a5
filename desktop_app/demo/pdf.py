"""A tiny PDF 1.4 writer for the demo server's conversation summaries.

One A4 page of Helvetica text lines, nothing else: enough for a real PDF that
viewers open and that text extraction reads, without a PDF dependency.

Layout of the file (PDF 1.4, section 3.4)::

    %PDF-1.4            header, then a binary comment so tools treat it as binary
    1 0 obj Catalog     -> 2 0 R
    2 0 obj Pages       -> [3 0 R]
    3 0 obj Page        -> font 4 0 R, contents 5 0 R
    4 0 obj Font        Helvetica, WinAnsiEncoding
    5 0 obj stream      the text operators
    6 0 obj Info        title, producer, creation date
    xref                one 20-byte entry per object: its byte offset
    trailer, startxref  the byte offset of the xref table, %%EOF

Text is encoded as WinAnsi, which equals Latin-1 for the printable characters
from U+00A0 up; any other character becomes ``?``.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

PAGE_WIDTH_PT = 595  # A4
PAGE_HEIGHT_PT = 842
MARGIN_PT = 72
TITLE_SIZE_PT = 18
BODY_SIZE_PT = 11
BODY_LEADING_PT = 16
WRAP_COLUMNS = 90  # Helvetica 11 pt averages ~5 pt a character: 90 fit in 451 pt
_MAX_BODY_LINES = (PAGE_HEIGHT_PT - 2 * MARGIN_PT - 2 * TITLE_SIZE_PT) // BODY_LEADING_PT


def build_pdf(title: str, lines: Sequence[str], *, created_at: datetime | None = None) -> bytes:
    """Return a one-page PDF showing ``title`` and then ``lines`` (wrapped, cut to one page)."""
    body = _wrap(lines)
    content = _content_stream(title, body)
    created = (created_at or datetime.now(UTC)).astimezone(UTC)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        )
        % (PAGE_WIDTH_PT, PAGE_HEIGHT_PT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Title %s /Producer (SDM Desktop demo server) /CreationDate (D:%s) >>"
        % (_pdf_string(title), created.strftime("%Y%m%d%H%M%SZ").encode("ascii")),
    ]
    return _assemble(objects, root=1, info=6)


def _wrap(lines: Sequence[str]) -> list[str]:
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, WRAP_COLUMNS) or [""])
    if len(wrapped) > _MAX_BODY_LINES:
        wrapped = [*wrapped[: _MAX_BODY_LINES - 1], "..."]
    return wrapped


def _content_stream(title: str, body: Sequence[str]) -> bytes:
    top = PAGE_HEIGHT_PT - MARGIN_PT - TITLE_SIZE_PT
    ops = [
        b"BT",
        b"/F1 %d Tf" % TITLE_SIZE_PT,
        b"%d %d Td" % (MARGIN_PT, top),
        _pdf_string(title) + b" Tj",
        b"/F1 %d Tf" % BODY_SIZE_PT,
        b"%d TL" % BODY_LEADING_PT,
        # The first body line sits two title heights below the title.
        b"0 -%d Td" % (2 * TITLE_SIZE_PT),
    ]
    for index, line in enumerate(body):
        # T* moves to the next line; the first line is already in place.
        ops.append(_pdf_string(line) + (b" Tj" if index == 0 else b" '"))
    ops.append(b"ET")
    return b"\n".join(ops)


def _pdf_string(text: str) -> bytes:
    """Encode ``text`` as a PDF literal string: WinAnsi bytes, ``\\ ( )`` escaped."""
    out = bytearray(b"(")
    for char in text:
        code = ord(char)
        if code > 0xFF or code < 0x20 or 0x7F <= code < 0xA0:
            out += b"?"
        elif char in "\\()":
            out += b"\\" + char.encode("ascii")
        else:
            out.append(code)
    out += b")"
    return bytes(out)


def _assemble(objects: Sequence[bytes], *, root: int, info: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(out)
    size = len(objects) + 1
    out += b"xref\n0 %d\n" % size
    # Each entry is exactly 20 bytes, the end of line included (section 3.4.3).
    out += b"0000000000 65535 f\r\n"
    for offset in offsets:
        out += b"%010d 00000 n\r\n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (size, root, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
