"""Licence notices from the installed metadata of the app's runtime dependencies.

The closure is checked against the real environment (what ``pip install -e
'.[test]'`` installed) and against a plain walk with ``packaging.requirements``;
extras, odd requirements and markers run on small fake distributions.
"""

from __future__ import annotations

import os
import platform
from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import cast

import pytest
from packaging.requirements import Requirement

from desktop_app.notices import (
    DIRECT_DEPENDENCIES,
    SUMMARY_MAX_CHARS,
    Notice,
    dependency_closure,
    homepage,
    licence_summary,
    licence_text,
    normalize,
    notice_for,
    notices_text,
    python_notice,
    sort_notices,
    third_party_notices,
)

ROOT = "sdm-desktop"


def names(dists: list[metadata.Distribution]) -> list[str]:
    return [normalize(dist.metadata["Name"]) for dist in dists]


def packaging_closure(root: str) -> set[str]:
    """The runtime closure by the plainest walk: no extras, no fallbacks, no error handling."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        dist = metadata.distribution(todo.pop())
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            name = normalize(requirement.name)
            try:
                metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def file_in_metadata_dir(dist_name: str, suffix: str) -> str:
    """A file of the distribution's RECORD, read through its path, not through metadata."""
    dist = metadata.distribution(dist_name)
    (path,) = [f for f in dist.files or [] if f.as_posix().endswith(suffix)]
    return Path(str(path.locate())).read_text(encoding="utf-8")


# --- the real closure ------------------------------------------------------------------


def test_the_closure_holds_the_runtime_libraries_at_their_installed_versions() -> None:
    notices = {normalize(notice.name): notice for notice in third_party_notices()}
    for name in ("websockets", "qasync", "aiohttp", "PySide6-Essentials", "shiboken6", "yarl"):
        assert notices[normalize(name)].version == metadata.version(name)


def test_the_closure_is_what_packaging_computes() -> None:
    assert set(names(dependency_closure())) == packaging_closure(ROOT)


@pytest.mark.parametrize("name", ["pytest", "pytest-qt", "pyinstaller", "mypy", "trustme"])
def test_test_and_build_extras_stay_out(name: str) -> None:
    # Installed (the tests run on them), required only under ``extra == 'test'``.
    metadata.distribution(name)
    assert normalize(name) not in names(dependency_closure())


def test_packaging_is_listed_because_the_app_runs_on_it() -> None:
    assert "packaging" in names(dependency_closure())


def test_the_app_itself_is_not_a_third_party_library() -> None:
    assert ROOT not in names(dependency_closure())


def test_notices_are_sorted_by_normalised_name_without_duplicates() -> None:
    keys = [normalize(notice.name) for notice in third_party_notices()]
    assert keys == sorted(set(keys))


def test_websockets_notice_has_its_bsd_licence_and_the_shipped_text() -> None:
    (notice,) = [n for n in third_party_notices() if n.name == "websockets"]
    assert "BSD" in notice.licence
    assert notice.licence_text == file_in_metadata_dir("websockets", "LICENSE").strip()
    assert notice.homepage is not None
    assert "github.com/python-websockets" in notice.homepage


def test_aiohttp_ships_two_licence_files_and_both_are_shown() -> None:
    (notice,) = [n for n in third_party_notices() if n.name == "aiohttp"]
    assert notice.licence_text is not None
    for suffix in ("licenses/LICENSE.txt", "licenses/vendor/llhttp/LICENSE"):
        assert file_in_metadata_dir("aiohttp", suffix).strip() in notice.licence_text


def test_a_library_without_licence_files_has_no_text_but_a_summary() -> None:
    (notice,) = [n for n in third_party_notices() if normalize(n.name) == "shiboken6"]
    assert notice.licence_text is None
    assert "LGPL" in notice.licence


def test_the_direct_dependencies_match_the_installed_metadata() -> None:
    # The fallback list must follow pyproject.toml: compare it with what was installed.
    requirements = [Requirement(line) for line in metadata.requires(ROOT) or []]
    runtime = {
        normalize(requirement.name)
        for requirement in requirements
        if "extra" not in str(requirement.marker or "")
    }
    assert {normalize(name) for name in DIRECT_DEPENDENCIES} == runtime


# --- a missing root ----------------------------------------------------------------------


def test_without_the_app_installed_the_direct_dependencies_are_listed() -> None:
    missing = dependency_closure("sdm-desktop-not-installed-anywhere")
    assert names(missing) == names(dependency_closure())


def test_without_the_app_or_its_dependencies_the_list_is_empty() -> None:
    assert dependency_closure("not-installed-a", fallback=["not-installed-b"]) == []
    assert third_party_notices("not-installed-a") != []  # the fallback list is installed


# --- the closure on fake distributions ------------------------------------------------------


class FakeSite:
    """``*.dist-info`` directories in a directory on ``sys.path``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def add(
        self,
        name: str,
        *requires: str,
        version: str = "1.0",
        fields: tuple[tuple[str, str], ...] = (),
        files: dict[str, str | bytes] | None = None,
    ) -> metadata.Distribution:
        info = self.root / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        lines = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}"]
        lines += [f"Requires-Dist: {line}" for line in requires]
        lines += [f"{key}: {value}" for key, value in fields]
        (info / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")
        record = [f"{info.name}/METADATA,,"]
        for path, content in (files or {}).items():
            target = info / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            record.append(f"{info.name}/{path},,")
        (info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
        return metadata.PathDistribution(info)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSite:
    monkeypatch.syspath_prepend(str(tmp_path))
    return FakeSite(tmp_path)


def fake_names(root: str) -> list[str]:
    return names(dependency_closure(root, fallback=()))


def test_extras_asked_for_by_a_requirement_are_followed(site: FakeSite) -> None:
    site.add("zz-root", "zz-lib[Fast_Mode]", "zz-unused; extra == 'dev'")
    site.add("zz-lib", "zz-speedup; extra == 'fast-mode'", "zz-slow; extra == 'slow'", "zz-base")
    for name in ("zz-speedup", "zz-slow", "zz-base", "zz-unused"):
        site.add(name)
    assert fake_names("zz-root") == ["zz-base", "zz-lib", "zz-speedup"]


@pytest.mark.parametrize("order", [1, -1])
def test_an_extra_is_followed_through_every_requirement_that_asks_for_it(
    site: FakeSite, order: int
) -> None:
    # zz-a asks for zz-lib plain, zz-c (deeper) for zz-lib[x]: whichever comes first
    # in the walk, zz-lib seen without extras must still be expanded with "x".
    site.add("zz-root", *["zz-a", "zz-b"][::order])
    site.add("zz-a", "zz-lib")
    site.add("zz-b", "zz-c")
    site.add("zz-c", "zz-lib[x]")
    site.add("zz-lib", "zz-extra-dep; extra == 'x'")
    site.add("zz-extra-dep")
    assert fake_names("zz-root") == ["zz-a", "zz-b", "zz-c", "zz-extra-dep", "zz-lib"]


def test_cycles_missing_and_malformed_requirements_do_not_stop_the_walk(site: FakeSite) -> None:
    site.add("zz-root", "ZZ_A>=1", "zz-missing", "[not a requirement]", "zz-c >>> 1", "")
    site.add("zz-c")  # named, but by a malformed requirement
    site.add("zz-a", "zz-b")
    site.add("zz-b", "zz.a", "zz-root")  # back to the root: it stays out of its own list
    assert fake_names("zz-root") == ["zz-a", "zz-b"]
    assert third_party_notices("zz-root") == [
        Notice("zz-a", "1.0", "unknown"),
        Notice("zz-b", "1.0", "unknown"),
    ]


@pytest.mark.parametrize(
    "marker",
    [
        "strange_variable == 'x'",  # a variable packaging does not know: unreadable
        "python_version <",  # malformed
        "python_version ~= '3'",  # readable, but packaging cannot compare: UndefinedComparison
        "platform_release ~= 'not a version'",
        "extras == 'x'",  # a lock-file variable: UndefinedEnvironmentName in metadata
    ],
)
def test_an_undecidable_marker_counts_if_the_library_is_installed(
    site: FakeSite, marker: str
) -> None:
    site.add(
        "zz-root",
        f"zz-odd>=1; {marker}",
        f"zz-gone; {marker}",  # not installed: left out whatever the marker says
        "zz-no; python_version < '3'",  # decidable and false here
        "zz-yes; python_version >= '3'",
    )
    for name in ("zz-odd", "zz-no", "zz-yes"):
        site.add(name)
    assert fake_names("zz-root") == ["zz-odd", "zz-yes"]


def test_licence_files_are_found_where_pep_639_and_older_wheels_put_them(site: FakeSite) -> None:
    pep639 = site.add(
        "zz-new",
        fields=(("License-File", "LICENSE"), ("License-File", "vendor/x/COPYING")),
        files={"licenses/LICENSE": "new licence\n", "licenses/vendor/x/COPYING": "vendored\n"},
    )
    assert licence_text(pep639) == (
        "--- LICENSE ---\n\nnew licence\n\n--- vendor/x/COPYING ---\n\nvendored"
    )
    legacy = site.add(
        "zz-old", fields=(("License-File", "LICENSE.txt"),), files={"LICENSE.txt": "old"}
    )
    assert licence_text(legacy) == "old"
    undeclared = site.add("zz-undeclared", files={"LICENCE.md": "undeclared", "README": "no"})
    assert licence_text(undeclared) == "undeclared"


def test_unreadable_licence_files_give_no_text(site: FakeSite) -> None:
    dist = site.add(
        "zz-bad",
        fields=(
            ("License-File", "LICENSE"),
            ("License-File", "../../../etc/passwd"),
            ("License-File", "MISSING"),
        ),
        files={"licenses/LICENSE": b"\xff\xfe not utf-8 \x80"},
    )
    assert licence_text(dist) is None
    assert notice_for(dist) == Notice("zz-bad", "1.0", "unknown", None, None)


# --- licence summary, homepage ----------------------------------------------------------------


def meta(*fields: tuple[str, str]) -> metadata.PackageMetadata:
    # importlib.metadata's own PackageMetadata is an email Message too.
    message = Message()
    for key, value in fields:
        message[key] = value
    return cast(metadata.PackageMetadata, message)


MIT_TEXT = "Copyright (c) 2015 Someone\n\nPermission is hereby granted, free of charge..."
OSI_APACHE = "License :: OSI Approved :: Apache Software License"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ((("License-Expression", "BSD-3-Clause"), ("License", "BSD")), "BSD-3-Clause"),
        ((("License", "Apache 2.0"), ("Classifier", OSI_APACHE)), "Apache 2.0"),
        ((("License", MIT_TEXT), ("Classifier", OSI_APACHE)), "Apache Software License"),
        ((("License", MIT_TEXT),), "Copyright (c) 2015 Someone"),
        ((("License", "UNKNOWN"), ("Classifier", OSI_APACHE)), "Apache Software License"),
        (
            (("Classifier", "License :: OSI Approved :: MIT License"), ("Classifier", OSI_APACHE)),
            "MIT License / Apache Software License",
        ),
        ((("Classifier", "Programming Language :: Python"),), "unknown"),
        ((), "unknown"),
    ],
)
def test_licence_summary(fields: tuple[tuple[str, str], ...], expected: str) -> None:
    assert licence_summary(meta(*fields)) == expected


def test_a_long_licence_line_is_cut_short() -> None:
    summary = licence_summary(meta(("License", "word " * 40)))
    assert len(summary) <= SUMMARY_MAX_CHARS
    assert summary.endswith("…")
    assert summary.startswith("word word")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            (("Home-page", "https://home.example"), ("Project-URL", "Homepage, https://x.example")),
            "https://home.example",
        ),
        (
            (
                ("Project-URL", "Documentation, https://docs.example"),
                ("Project-URL", "Home-Page, https://home.example"),
            ),
            "https://home.example",
        ),
        (
            (
                ("Project-URL", "Documentation, https://docs.example"),
                ("Project-URL", "Source Code, https://src.example"),
            ),
            "https://src.example",
        ),
        ((("Project-URL", "Documentation, https://docs.example"),), "https://docs.example"),
        ((("Home-page", "UNKNOWN"),), None),
        ((), None),
    ],
)
def test_homepage(fields: tuple[tuple[str, str], ...], expected: str | None) -> None:
    assert homepage(meta(*fields)) == expected


# --- python, sorting, text ------------------------------------------------------------------------


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


def test_sort_notices_deduplicates_by_normalised_name() -> None:
    first = Notice("Zope.Interface", "1", "ZPL")
    sorted_notices = sort_notices(
        [first, Notice("attrs", "2", "MIT"), Notice("zope-interface", "9", "other")]
    )
    assert sorted_notices == [Notice("attrs", "2", "MIT"), first]


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
