"""A build killed mid-write, or stopped by a full disk, leaves the previous output and the caches usable,
and the next build is correct.

Real ``sphinx-build`` processes on the sample site (data on several pages, a graph, the exports): built
once, its data edited, then rebuilt with a fault (``support/faults.py``): SIGKILL halfway through a write
of each kind of file the build writes (a data cache, a layout, a doctree, Sphinx's environment, a static
file, a page, the inventory, an export, the export cache), or a disk that fills up after a share of the
bytes the rebuild writes, fake and (where this machine lets the tests mount one) a real small tmpfs.
After the fault every file of the output is whole: the previous build's or the edited data's.  Then a
build without the fault must give exactly what a clean build of the edited sources gives.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import REPO_ROOT
from support.sample_site import DATA, PAGES, clean_build, outputs
from support.site import Site

from dmsite.atomic import SUFFIX
from dmsite.sphinxext.durable import MARKER

FAULTS = REPO_ROOT / "tests" / "support" / "faults.py"
KILLED_WHILE_WRITING = {  # what is being written → how to find its first write in the log of a rebuild
    "data cache": "/.cache/records/",
    "graph layout": ".svg.",
    "doctree": ".doctree",
    "environment": "environment.pickle",
    "static file": "/basic.css",
    "page": "/.milestones.html.",
    "inventory": "/.objects.inv.",
    "export": "/.milestones.csv.",
    "export cache": "export-lines.pickle",
}
DISK_FULL_AFTER = [0.1, 0.5, 0.9]  # of the bytes the rebuild writes


def sphinx_build(site: Site, *fault: str) -> subprocess.CompletedProcess[str]:
    site.conf()
    command = [sys.executable, str(FAULTS), "--under", str(site.root), *fault, "--",
               "-b", "html", "-W", "--keep-going", "-q", str(site.root), str(site.outdir),
               "-d", str(site.root / "_build" / "doctrees")]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def edit(site: Site) -> None:
    """A milestone renamed and completed: shown on the records, milestones and home pages and the exports."""
    path = site.root / "data/milestones/ap.yaml"
    path.write_text(path.read_text().replace("Alert distribution", "Alert stream live").replace(
        "  predecessors: [DM-AP-1]", "  completed: 2021-04-01\n  predecessors: [DM-AP-1]"))


def built(make_site: Callable[..., Site], name: str = "site") -> tuple[Site, dict[str, str]]:
    site = make_site(name).write_all({**DATA, **PAGES})
    done = sphinx_build(site)
    assert done.returncode == 0, done.stderr
    return site, outputs(site)


@pytest.fixture(scope="module")
def rebuild_log(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str]]:
    """The writes of the rebuild after the edit: (bytes, file) in order."""
    root = tmp_path_factory.mktemp("log")
    site, _ = built(lambda name: Site(root / name))
    edit(site)
    log = root / "writes.log"
    done = sphinx_build(site, "--log", str(log))
    assert done.returncode == 0, done.stderr
    return [(int(size), path) for size, path in (line.split(" ", 1) for line in log.read_text().splitlines())]


def assert_whole(after: dict[str, str], before: dict[str, str], edited: dict[str, str]) -> None:
    """Every file the previous build wrote is still there, and each is the previous build's or the edited one."""
    assert set(before) <= set(after), f"lost: {sorted(set(before) - set(after))}"
    for name, text in after.items():
        unfinished = any(part.endswith(SUFFIX) for part in Path(name).parts)
        if unfinished or name in (MARKER, "searchindex.js.tmp"):  # the last one Sphinx's own
            continue  # an interrupted build's: removed or put in place by the next build
        assert text in (before.get(name), edited.get(name)), f"{name} is cut off or mixed"


def assert_next_build_correct(site: Site, edited: dict[str, str]) -> None:
    done = sphinx_build(site)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    now = outputs(site)
    assert sorted(now) == sorted(edited)
    for name in edited:
        assert now[name] == edited[name], f"{name} differs from a clean build after the interrupted one"
    assert not list(site.outdir.rglob("*.dmsite-tmp")), "temporary files left behind"
    assert "Alert stream live" in site.html("records")


@pytest.mark.parametrize("writing", list(KILLED_WHILE_WRITING))
def test_a_build_killed_mid_write(
    writing: str, rebuild_log: list[tuple[int, str]], make_site: Callable[..., Site]
) -> None:
    step = next(i for i, (_, path) in enumerate(rebuild_log, 1) if KILLED_WHILE_WRITING[writing] in path)
    site, before = built(make_site)
    edit(site)
    killed = sphinx_build(site, "--kill-at", str(step))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    edited = clean_build(make_site, "clean", site)
    assert_whole(outputs(site), before, edited)
    assert_next_build_correct(site, edited)


@pytest.mark.parametrize("share", DISK_FULL_AFTER)
def test_a_disk_that_fills_up(share: float, rebuild_log: list[tuple[int, str]], make_site: Callable[..., Site]) -> None:
    site, before = built(make_site)
    edit(site)
    full = sphinx_build(site, "--disk-bytes", str(int(share * sum(size for size, _ in rebuild_log))))
    assert full.returncode != 0
    assert "No space left on device" in full.stderr
    assert "Traceback" not in full.stderr + full.stdout
    edited = clean_build(make_site, "clean", site)
    assert_whole(outputs(site), before, edited)
    assert_next_build_correct(site, edited)


def test_a_real_full_disk(tmp_path: Path, make_site: Callable[..., Site]) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        site, before = built(lambda name: Site(disk / name))
        edit(site)
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as out, contextlib.suppress(OSError):  # fill the disk …
            while True:
                out.write(b"\0" * 4096)
        os.truncate(filler, filler.stat().st_size - 16 * 4096)  # … but for 16 pages
        full = sphinx_build(site)
        assert full.returncode != 0
        assert "No space left on device" in full.stderr
        assert "Traceback" not in full.stderr + full.stdout
        edited = clean_build(make_site, "clean", site)
        assert_whole(outputs(site), before, edited)
        filler.unlink()
        assert_next_build_correct(site, edited)
    finally:
        shutil.rmtree(disk / "site", ignore_errors=True)
        subprocess.run(["umount", str(disk)], check=False)
