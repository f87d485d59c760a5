"""The hand-written PDF writer: pypdf parses it, text is extractable, offsets are right."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from desktop_app.demo.pdf import build_pdf


def read_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_pdf_parses_and_its_text_is_extractable() -> None:
    pdf = build_pdf("Summary", ["Conversation: abc", "Messages: 4"])
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    text = read_text(pdf)
    assert "Summary" in text
    assert "Conversation: abc" in text
    assert "Messages: 4" in text


def test_the_metadata_carries_title_and_creation_date() -> None:
    created = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    reader = PdfReader(io.BytesIO(build_pdf("Title (1)", ["x"], created_at=created)))
    assert reader.metadata is not None
    assert reader.metadata.title == "Title (1)"
    assert reader.metadata.creation_date == created


def test_special_characters_are_escaped_and_non_latin1_replaced() -> None:
    text = read_text(build_pdf("T", [r"a (b) c\d", "Zoë ½ 日本 \x07"]))
    assert r"a (b) c\d" in text
    assert "Zoë ½ ?? ?" in text


def test_the_xref_table_points_at_every_object() -> None:
    pdf = build_pdf("T", ["a", "b"])
    match = re.search(rb"startxref\n(\d+)\n", pdf)
    assert match is not None
    start = int(match.group(1))
    assert pdf[start:].startswith(b"xref\n0 7\n")
    entries = pdf[start + len(b"xref\n0 7\n") :].split(b"trailer")[0]
    assert len(entries) == 7 * 20
    for number in range(1, 7):
        offset = int(entries[number * 20 : number * 20 + 10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)


def test_long_text_is_wrapped_and_cut_to_one_page() -> None:
    lines = ["word " * 100] + [f"line {n}" for n in range(200)]
    text = read_text(build_pdf("T", lines))
    assert "line 0" in text
    assert "line 199" not in text
    assert text.rstrip().endswith("...")
