"""Files written whole or not at all (``dmsite.atomic``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dmsite.atomic import SUFFIX, sweep, temporary_name, write_atomically, write_files_atomically


def test_the_mode_and_a_symbolic_link_are_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    assert real.stat().st_mode & 0o777 == 0o640


def test_one_file_that_cannot_be_written_changes_none(tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    first.write_text("old\n")
    with pytest.raises(FileNotFoundError):
        write_files_atomically({first: "new\n", tmp_path / "missing" / "second.yaml": "new\n"})
    assert first.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.yaml"]  # no temporary file left


def test_sweep_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    page = tmp_path / "sub" / "page.html"
    page.parent.mkdir()
    page.write_text("whole\n")
    temporary_name(page).write_text("cut o")
    folder = temporary_name(tmp_path / "_static")
    folder.mkdir()
    (folder / "basic.css").write_text("cut")
    assert sweep(tmp_path) == 2
    assert [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")] == ["sub", os.path.join("sub", "page.html")]
    assert not list(tmp_path.rglob(f"*{SUFFIX}"))
