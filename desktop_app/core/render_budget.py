"""How much of a message the transcript renders: a prefix within a budget of work.

Qt parses, lays out and paints a message on the UI thread, and its text engine is
not linear in every input: the items of one list and the rows of one table cost
quadratically (2,000 list items take 70 ms, 8,000 over a second), a table cell
costs as much as a short paragraph, each block (a paragraph, a heading, a line
of code) a few microseconds, each image some more (it becomes its alt text),
and a laid-out character holds about 60 bytes. A runaway or hostile reply (the
server relays what a model wrote) would freeze the window for minutes, and again
at each resize. So the transcript renders at most the prefix that fits a
:class:`RenderBudget`, cut at a line end where one is near, and says that it
did; the message itself is kept whole (copying it copies all of it).

Each bound caps one of those costs. On a small two-core machine the prefix of a
1 MiB reply of paragraphs is built and laid out in about 30 ms, where Qt alone
takes about 170 ms for the whole reply; the costliest shapes within the budget
take 30-90 ms (a 1,000-item list with a citation marker in each item, text of
emoji: ``bench/b9_large_reply.py``). 128 KiB is some 20,000 words: far more
than anyone reads in a chat bubble.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_LINE_END = re.compile(r"\n+")  # blank lines add no block: a run of line ends is one
_PIPE = re.compile(r"\|")
_IMAGE = re.compile(r"!\[")


@dataclass(frozen=True, kw_only=True)
class RenderBudget:
    """The most of a message that is rendered (every bound applies)."""

    max_chars: int = 128 * 1024  # characters: layout time and memory
    max_lines: int = 1_000  # lines that are not blank: blocks, list items, table rows
    # Markdown only (None for plain text):
    max_pipes: int | None = 1_000  # "|": table cells
    max_images: int | None = 1_000  # "![": images


def normalize_newlines(text: str) -> str:
    """``text`` with every line end as ``\\n`` (Markdown also ends lines at a lone ``\\r``)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def rendered_part(text: str, budget: RenderBudget) -> tuple[str, bool]:
    """The prefix of ``text`` (line ends normalized) to render, and whether it is shorter.

    The prefix ends at a line end when one falls in the second half of the
    character allowance; a single longer line is cut where the allowance ends.
    """
    text = normalize_newlines(text)
    end = len(text)
    if end > budget.max_chars:
        newline = text.rfind("\n", budget.max_chars // 2, budget.max_chars)
        end = newline + 1 if newline >= 0 else budget.max_chars
    if (line_end := _nth(_LINE_END, text, budget.max_lines, end)) is not None:
        end = line_end.end()
    if budget.max_pipes is not None and (pipe := _nth(_PIPE, text, budget.max_pipes + 1, end)):
        end = pipe.start()
    if budget.max_images is not None and (image := _nth(_IMAGE, text, budget.max_images + 1, end)):
        end = image.start()
    return text[:end], end < len(text)


def _nth(pattern: re.Pattern[str], text: str, n: int, end: int) -> re.Match[str] | None:
    """The ``n``-th match of ``pattern`` in ``text[:end]``, if there are that many."""
    return next(itertools.islice(pattern.finditer(text, 0, end), n - 1, None), None)
