"""Hypothesis strategies shared by the property tests: JSON values, and patient text
that can be recognised wherever it turns up."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

#: Every patient text holds one of these; no fixed wording of the app contains "PATIENT".
MARKER_PREFIX = "PATIENT"


#: Strings inside JSON values: short, which keeps generation fast and collisions likely.
SHORT_TEXT = st.text(max_size=12)


def markers() -> st.SearchStrategy[str]:
    """A recognisable piece of patient text: ``PATIENT`` and a number."""
    return st.integers(0, 10**9).map(lambda n: f"{MARKER_PREFIX}{n}")


def patient_texts() -> st.SearchStrategy[str]:
    """Arbitrary text around a marker, so that the text can be found in any output."""
    return st.builds(
        lambda before, marker, after: before + marker + after,
        st.text(max_size=20),
        markers(),
        st.text(max_size=20),
    )


def json_scalars(text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    return (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | (SHORT_TEXT if text is None else text)
    )


def json_values(
    text: st.SearchStrategy[str] | None = None, *, max_leaves: int = 12
) -> st.SearchStrategy[Any]:
    """Any value ``json.loads`` can return (NaN left out: it is not equal to itself)."""
    return st.recursive(
        json_scalars(text),
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(SHORT_TEXT if text is None else text, children, max_size=5)
        ),
        max_leaves=max_leaves,
    )
