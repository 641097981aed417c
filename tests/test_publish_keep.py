"""`dmsite publish --keep N` (old releases pruned, documented rule) and `--cache-dir` (kept between runs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_publish import make_repo

from dmsite import cli
from dmsite.publish import PublishOptions, publish

pytestmark = pytest.mark.xdist_group("publish")


def test_keep_prunes_older_releases_and_does_not_build_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, commits = make_repo(tmp_path / "repo")
    site_dir = tmp_path / "site"
    cache = tmp_path / "cache"
    first = publish(PublishOptions(site.root, site_dir, branch=None, tag_patterns=["v1"], cache_dir=cache))
    assert [v.version for v in first.built] == ["v1"] and first.pruned == []
    assert any(cache.joinpath("records").glob("*.pickle"))  # the cache a CI job keeps between runs

    code = cli.main(["publish", str(site_dir), "--repo", str(site.root), "--no-branch", "--keep", "1",
                     "--cache-dir", str(cache), "-j", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "removed v1: older than the 1 newest releases (--keep)" in out
    assert "1 built, 0 up to date, 0 failed; site versions: v2" in out
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == ["v2"]
    assert [e["version"] for e in json.loads((site_dir / "switcher.json").read_text())] == ["v2"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]

    again = publish(PublishOptions(site.root, site_dir, branch=None, keep=1))
    assert again.built == [] and [v.version for v in again.skipped] == ["v2"] and again.pruned == []
    assert commits["v2"] == json.loads((site_dir / "v2" / "dmsite-build.json").read_text())["commit"]
