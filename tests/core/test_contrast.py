"""WCAG 2.1 contrast, the app's colours in both schemes, the text size steps, and the
``color_scheme`` setting."""

from __future__ import annotations

import pytest

from desktop_app.core import text_size
from desktop_app.core.config import AppConfig, ConfigError, env_layer, resolve
from desktop_app.core.contrast import (
    DARK,
    LIGHT,
    MIN_TEXT_CONTRAST,
    READABLE_PAIRS,
    Colours,
    Scheme,
    colours,
    contrast_ratio,
    parse_hex,
    relative_luminance,
    scheme_of,
    unreadable,
)

# --- WCAG 2.1, against known values --------------------------------------------------


def test_black_on_white_is_21_to_1_and_either_order_gives_the_same() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        # The grey WebAIM and the WCAG understanding docs cite as the lightest that passes.
        ("#767676", "#ffffff", 4.54),
        ("#777777", "#ffffff", 4.48),
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.00),
        ("#00ff00", "#000000", 15.30),
    ],
)
def test_contrast_ratio_matches_published_values(
    foreground: str, background: str, ratio: float
) -> None:
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.005)


def test_relative_luminance_uses_both_parts_of_the_srgb_curve() -> None:
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    # 10/255 is below the 0.04045 knee: the linear part.
    assert relative_luminance("#0a0a0a") == pytest.approx(10 / 255 / 12.92)
    assert relative_luminance("#808080") == pytest.approx(0.2158605)


def test_parse_hex_takes_long_and_short_forms_and_refuses_others() -> None:
    assert parse_hex("#1b7f3b") == (0x1B, 0x7F, 0x3B)
    assert parse_hex("#fa0") == (0xFF, 0xAA, 0x00)
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        parse_hex("#12345")


def test_a_background_belongs_to_the_scheme_whose_text_reads_best_on_it() -> None:
    assert scheme_of("#efefef") is Scheme.LIGHT
    assert scheme_of("#ffffff") is Scheme.LIGHT
    assert scheme_of("#202124") is Scheme.DARK
    assert scheme_of("#000000") is Scheme.DARK
    # Either side of the point where black and white text read equally well.
    assert scheme_of("#777777") is Scheme.LIGHT
    assert scheme_of("#737373") is Scheme.DARK


# --- the app's colours ------------------------------------------------------------------


@pytest.mark.parametrize("scheme", list(Scheme))
def test_every_text_colour_reads_on_every_background_it_is_drawn_on(scheme: Scheme) -> None:
    assert unreadable(colours(scheme)) == []
    for foreground, background in READABLE_PAIRS:
        values = colours(scheme)
        ratio = contrast_ratio(getattr(values, foreground), getattr(values, background))
        assert ratio >= MIN_TEXT_CONTRAST, (scheme, foreground, background, ratio)


def test_unreadable_names_a_pair_below_the_ratio() -> None:
    faint = LIGHT._replace(warning="#c8a040")  # amber as a first guess: too light on grey
    found = unreadable(faint)
    assert [(fg, bg) for fg, bg, _ in found] == [("warning", "window"), ("warning", "base")]
    assert all(ratio < MIN_TEXT_CONTRAST for _, _, ratio in found)
    assert unreadable(LIGHT, minimum=22.0)  # nothing reaches more than 21:1


def test_each_scheme_s_colours_belong_to_it() -> None:
    assert colours(Scheme.LIGHT) is LIGHT
    assert colours(Scheme.DARK) is DARK
    assert scheme_of(LIGHT.window) is Scheme.LIGHT
    assert scheme_of(LIGHT.base) is Scheme.LIGHT
    assert scheme_of(DARK.window) is Scheme.DARK
    assert scheme_of(DARK.base) is Scheme.DARK
    # The states are told apart by more than lightness: three different colours.
    for scheme_colours in (LIGHT, DARK):
        assert len({scheme_colours.success, scheme_colours.warning, scheme_colours.error}) == 3
    assert isinstance(LIGHT, Colours)


# --- the text size ----------------------------------------------------------------------


def test_larger_and_smaller_walk_the_steps_and_stop_at_the_ends() -> None:
    scale = text_size.DEFAULT
    ups = []
    while (scale := text_size.larger(scale)) not in ups:
        ups.append(scale)
    assert ups == [1.1, 1.25, 1.5, 1.75, 2.0]
    assert text_size.larger(2.0) == 2.0
    assert text_size.smaller(1.0) == 0.9
    assert text_size.smaller(0.9) == 0.8
    assert text_size.smaller(0.8) == 0.8
    assert text_size.smaller(1.3) == 1.25  # from between two steps: the next one down


@pytest.mark.parametrize(
    ("remembered", "scale"),
    [
        (1.25, 1.25),
        (1.3, 1.25),
        (7, 2.0),
        (0.1, 0.8),
        (2, 2.0),
        (float("nan"), 1.0),
        (float("inf"), 1.0),
        ("1.5", 1.0),
        (None, 1.0),
        (True, 1.0),
    ],
)
def test_a_remembered_scale_is_taken_to_the_nearest_step(remembered: object, scale: float) -> None:
    assert text_size.nearest(remembered) == scale


def test_percent_reads_as_people_write_it() -> None:
    assert text_size.percent(1.25) == "125 %"
    assert text_size.percent(0.8) == "80 %"


# --- the color_scheme setting -------------------------------------------------------------


def test_the_color_scheme_follows_the_system_unless_set() -> None:
    assert AppConfig().color_scheme == "system"
    assert resolve([env_layer({"SDM_COLOR_SCHEME": " Dark "})]).color_scheme == "dark"
    assert resolve([env_layer({"SDM_COLOR_SCHEME": "light"})]).color_scheme == "light"


def test_a_color_scheme_that_is_not_one_of_the_three_is_refused_by_name() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve([env_layer({"SDM_COLOR_SCHEME": "solarized"})])
    assert str(caught.value) == (
        "environment: SDM_COLOR_SCHEME: must be one of 'system', 'light', 'dark', not 'solarized'"
    )
