"""desktop_app.build_info: the stamp a bundle carries, and its absence from a checkout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

import desktop_app
from desktop_app.build_info import BUILD_INFO_FILENAME, BuildInfo, build_info, read_build_info

STAMP = BuildInfo(
    version="1.2.3", commit="abc1234", built_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
)


def test_the_stamp_survives_its_own_format() -> None:
    assert BuildInfo.from_json(STAMP.to_json()) == STAMP
    without_git = BuildInfo(version="1.2.3", commit=None, built_at=STAMP.built_at)
    assert BuildInfo.from_json(without_git.to_json()) == without_git


def test_a_stamp_from_another_time_zone_keeps_its_instant() -> None:
    text = STAMP.to_json().replace("03:04:05+00:00", "04:04:05+01:00")

    assert BuildInfo.from_json(text).built_at == STAMP.built_at
    assert BuildInfo.from_json(text).built_at.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[]", "JSON object"),
        ('{"commit": null, "built_at": "2025-01-02T03:04:05+00:00"}', "version"),
        ('{"version": "", "commit": null, "built_at": "2025-01-02T03:04:05+00:00"}', "version"),
        ('{"version": "1", "commit": 7, "built_at": "2025-01-02T03:04:05+00:00"}', "commit"),
        ('{"version": "1", "commit": null}', "built_at"),
        ('{"version": "1", "commit": null, "built_at": "2025-01-02T03:04:05"}', "time zone"),
        ('{"version": "1", "commit": null, "built_at": "yesterday"}', "isoformat"),
        ("{not json", "Expecting property name"),
    ],
)
def test_a_malformed_stamp_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        BuildInfo.from_json(text)


def test_read_build_info_reads_the_file_or_says_there_is_none(tmp_path: Path) -> None:
    path = tmp_path / BUILD_INFO_FILENAME
    assert read_build_info(path) is None

    path.write_text(STAMP.to_json(), encoding="utf-8")

    assert read_build_info(path) == STAMP


def test_build_info_looks_inside_the_desktop_app_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / BUILD_INFO_FILENAME).write_text(STAMP.to_json(), encoding="utf-8")
    asked: list[str] = []

    def files(package: str) -> Path:
        asked.append(package)
        return tmp_path

    monkeypatch.setattr(resources, "files", files)  # the module desktop_app.build_info reads

    assert build_info() == STAMP
    assert asked == ["desktop_app"]


def test_a_source_checkout_has_no_build_info() -> None:
    # The build writes the stamp into PyInstaller's work folder, never into the sources.
    assert not (Path(desktop_app.__file__).parent / BUILD_INFO_FILENAME).exists()
    assert build_info() is None
