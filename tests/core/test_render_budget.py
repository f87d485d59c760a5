"""The render budget: the prefix of a message that the transcript renders."""

from __future__ import annotations

import pytest

from desktop_app.core.render_budget import RenderBudget, normalize_newlines, rendered_part

SMALL = RenderBudget(max_chars=100, max_lines=5, max_pipes=4, max_images=2)


def test_a_text_within_the_budget_is_rendered_whole() -> None:
    text = "one\ntwo | three\n![a](b)"
    assert rendered_part(text, SMALL) == (text, False)
    assert rendered_part("", SMALL) == ("", False)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\r\r\nb", "a\n\nb"), ("a\nb", "a\nb")],
)
def test_every_line_end_becomes_a_newline(text: str, normalized: str) -> None:
    assert normalize_newlines(text) == normalized
    assert rendered_part(text, SMALL) == (normalized, False)


def test_lone_carriage_returns_count_as_lines() -> None:
    shown, shortened = rendered_part("x\r" * 10, SMALL)
    assert (shown, shortened) == ("x\n" * 5, True)


def test_a_long_text_is_cut_at_a_line_end_in_the_second_half_of_the_allowance() -> None:
    text = "a" * 60 + "\n" + "b" * 100
    assert rendered_part(text, SMALL) == ("a" * 60 + "\n", True)


def test_a_long_line_is_cut_where_the_allowance_ends() -> None:
    # The only line end falls in the first half: cutting there would show too little.
    text = "a" * 10 + "\n" + "b" * 200
    assert rendered_part(text, SMALL) == (text[:100], True)


def test_at_most_max_lines_lines() -> None:
    text = "".join(f"{n}\n" for n in range(8))
    assert rendered_part(text, SMALL) == ("0\n1\n2\n3\n4\n", True)
    exactly = "".join(f"{n}\n" for n in range(5))
    assert rendered_part(exactly, SMALL) == (exactly, False)


def test_blank_lines_are_not_counted() -> None:
    paragraphs = "".join(f"{n}\n\n\n" for n in range(5))
    assert rendered_part(paragraphs, SMALL) == (paragraphs, False)
    assert rendered_part(paragraphs + "5\n", SMALL) == (paragraphs, True)


def test_at_most_max_pipes_pipes_the_next_one_cut_off() -> None:
    assert rendered_part("|a|b|c|d|e|", SMALL) == ("|a|b|c|d", True)
    assert rendered_part("|a|b|c|", SMALL) == ("|a|b|c|", False)


def test_at_most_max_images_images() -> None:
    assert rendered_part("![1](a) ![2](b) ![3](c)", SMALL) == ("![1](a) ![2](b) ", True)


def test_plain_text_has_no_pipe_or_image_bound() -> None:
    plain = RenderBudget(max_chars=100, max_lines=5, max_pipes=None, max_images=None)
    text = "|" * 50 + "![" * 20
    assert rendered_part(text, plain) == (text, False)


def test_the_first_bound_reached_decides() -> None:
    text = "|a\n" * 3 + "|b|c|\n"  # the fifth pipe is on the fourth line
    assert rendered_part(text, SMALL) == ("|a\n|a\n|a\n|b", True)


def test_the_defaults_bound_a_megabyte_reply() -> None:
    paragraph = "Word " * 60 + "[1].\n\n"
    shown, shortened = rendered_part(paragraph * 4000, RenderBudget())
    assert shortened
    assert len(shown) <= RenderBudget().max_chars
    assert shown.count("\n") <= RenderBudget().max_lines
    assert shown.endswith("\n")
