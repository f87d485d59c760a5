"""A ``translate`` for tests: it shows what it was asked to translate, ``<context|text>``.

Given to a function that takes ``translate`` (docs/TRANSLATING.md), it proves each
sentence goes through translation whole, with its context, before it is filled in.
"""

from __future__ import annotations


def marked(context: str, source_text: str) -> str:
    """``<presence|Connected>``: the context and the source text it was given."""
    return f"<{context}|{source_text}>"
