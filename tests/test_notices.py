"""Licence notices: the report the build writes (pip-licenses) and the reader the app runs.

The reader reads small report files written here; the build step runs for real
(``build_scripts/licence_report.py``, under a second) and its report is checked
against the installed libraries.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from desktop_app.notices import (
    REPORT_COMMAND,
    NoLicenceReport,
    Notice,
    normalize,
    notices_text,
    python_notice,
    read_report,
    third_party_notices,
)

ROOT = Path(__file__).resolve().parents[1]
REPORT_SCRIPT = ROOT / "build_scripts" / "licence_report.py"


def write(path: Path, entries: object) -> Path:
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def installed_licence(dist_name: str) -> str:
    """The licence file as installed, read from disk rather than through any report."""
    dist = metadata.distribution(dist_name)
    (path,) = [f for f in dist.files or [] if f.as_posix().endswith("licenses/LICENSE")]
    return Path(str(path.locate())).read_text(encoding="utf-8").strip()


# --- the reader -------------------------------------------------------------------------


def test_reads_each_entry_as_a_notice(tmp_path: Path) -> None:
    report = write(
        tmp_path / "report.json",
        [
            {
                "Name": "alpha",
                "Version": "1.2",
                "License": "MIT",
                "URL": "https://alpha.example",
                "LicenseText": "The MIT text.\n",
                "NoticeText": "UNKNOWN",
            }
        ],
    )

    assert read_report(report) == [
        Notice("alpha", "1.2", "MIT", "https://alpha.example", "The MIT text.")
    ]


def test_a_notice_file_follows_the_licence_text(tmp_path: Path) -> None:
    entry = {"Name": "a", "Version": "1", "License": "Apache-2.0"}
    report = write(
        tmp_path / "report.json", [entry | {"LicenseText": "Licence.", "NoticeText": "Notice."}]
    )

    (notice,) = read_report(report)
    assert notice.licence_text == "Licence.\n\nNotice."


def test_unknown_and_missing_fields_are_absent_not_the_word_unknown(tmp_path: Path) -> None:
    unknowns = {"Version": "UNKNOWN", "License": "UNKNOWN", "URL": "UNKNOWN"}
    report = write(
        tmp_path / "report.json",
        [{"Name": "bare"}, {"Name": "unknowns", "LicenseText": "UNKNOWN", **unknowns}],
    )

    assert read_report(report) == [
        Notice("bare", "?", "unknown", None, None),
        Notice("unknowns", "?", "unknown", None, None),
    ]


def test_sorted_by_normalised_name_the_first_of_a_name_wins(tmp_path: Path) -> None:
    report = write(
        tmp_path / "report.json",
        [
            {"Name": "Zope.Interface", "Version": "1"},
            {"Name": "attrs", "Version": "2"},
            {"Name": "zope-interface", "Version": "9"},
        ],
    )

    assert [(n.name, n.version) for n in read_report(report)] == [
        ("attrs", "2"),
        ("Zope.Interface", "1"),
    ]


def test_no_report_says_which_command_makes_one(tmp_path: Path) -> None:
    with pytest.raises(NoLicenceReport) as raised:
        read_report(tmp_path / "absent.json")
    assert f"`{REPORT_COMMAND}`" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "Expecting property name"),
        ('{"Name": "a"}', "must be a JSON list"),
        ('["a"]', "each entry must be an object"),
        ('[{"Version": "1"}]', "an entry has no name"),
        ('[{"Name": "a", "License": 3}]', "License must be a string"),
    ],
)
def test_a_damaged_report_is_a_value_error_naming_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    report = tmp_path / "report.json"
    report.write_text(content, encoding="utf-8")

    with pytest.raises(ValueError, match=problem):
        read_report(report)


def test_a_source_checkout_reads_its_own_report_or_says_how_to_make_one() -> None:
    in_checkout = ROOT / "desktop_app" / "_licences.json"
    if in_checkout.exists():  # someone ran the command in this checkout
        assert third_party_notices() == read_report(in_checkout)
    else:
        with pytest.raises(NoLicenceReport):
            third_party_notices()


# --- the build step ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("licences") / "report.json"
    result = subprocess.run(
        [sys.executable, str(REPORT_SCRIPT), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"Licence report of {len(json.loads(output.read_text()))} libraries" in result.stdout
    return output


@pytest.mark.parametrize(
    ("name", "licence"),
    [
        ("PySide6-Essentials", "LGPL-3.0-only"),
        ("shiboken6", "LGPL-3.0-only"),
        ("websockets", "BSD-3-Clause"),
        ("qasync", "BSD-2-Clause"),
        ("aiohttp", "Apache-2.0"),
    ],
)
def test_the_build_lists_the_runtime_libraries_with_their_licences(
    built_report: Path, name: str, licence: str
) -> None:
    notices = {normalize(notice.name): notice for notice in read_report(built_report)}

    notice = notices[normalize(name)]
    assert notice.version == metadata.version(name)
    assert licence in notice.licence
    assert notice.homepage


def test_the_build_ships_the_licence_texts(built_report: Path) -> None:
    notices = {normalize(notice.name): notice for notice in read_report(built_report)}

    for name in ("websockets", "qasync"):
        assert notices[name].licence_text == installed_licence(name)


@pytest.mark.parametrize(
    "name", ["sdm-desktop", "pytest", "pyinstaller", "pip-licenses", "mypy", "trustme"]
)
def test_the_app_and_its_test_and_build_tools_are_not_listed(built_report: Path, name: str) -> None:
    metadata.distribution(name)  # installed here, so the report could have listed it
    assert normalize(name) not in {normalize(n.name) for n in read_report(built_report)}


# --- python, text -------------------------------------------------------------------------


def test_python_notice() -> None:
    notice = python_notice()
    assert notice.version == platform.python_version()
    assert "PSF" in notice.licence
    # python.org and pyenv builds ship LICENSE.txt with the standard library; some distros do not.
    if (Path(os.__file__).parent / "LICENSE.txt").exists():
        assert notice.licence_text is not None
        assert "PYTHON SOFTWARE FOUNDATION LICENSE" in notice.licence_text
    else:
        assert notice.licence_text is None


def test_notices_text_has_every_notice_and_its_text() -> None:
    with_text = Notice("alpha", "1.2", "MIT", "https://alpha.example", "The MIT text.")
    without = Notice("beta", "3", "LGPL-3.0-only")
    text = notices_text(["App 1.0", "Server: x"], [with_text, without])
    assert text.startswith("App 1.0\nServer: x\n")
    assert "alpha 1.2\nLicence: MIT\nHomepage: https://alpha.example\n\nThe MIT text." in text
    assert (
        "beta 3\nLicence: LGPL-3.0-only\n\n"
        "No licence text is shipped with this package; licence: LGPL-3.0-only"
    ) in text
