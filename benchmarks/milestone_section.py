"""Time a full build of the site's milestone section (content/milestones + content/releases) on N
generated milestones over 10 WBS elements.

    .venv/bin/python benchmarks/milestone_section.py 2000 [--jobs 1] [--keep DIR]

The pages are the site's own, except the per-element pages, which are made for the
generated elements.  Prints the wall time of a clean build and of a no-op rebuild.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import STATUS_DATE, WBS_COUNT, wbs_code, write

ROOT = Path(__file__).resolve().parent.parent
CONF = f"""
project = "milestone benchmark"
extensions = ["myst_parser", "dmsite.sphinxext"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["data/**", "_build"]
html_theme = "pydata_sphinx_theme"
dmsite_data_dir = "data"
dmsite_status_date = "{STATUS_DATE.isoformat()}"
"""


def make_site(n: int, root: Path) -> Path:
    write(n, root / "data")
    shutil.copytree(ROOT / "content" / "milestones", root / "milestones")
    shutil.copytree(ROOT / "content" / "releases", root / "releases")
    for page in (root / "milestones" / "wbs").glob("02C.*.md"):
        page.unlink()
    for w in range(WBS_COUNT):
        (root / "milestones" / "wbs" / f"{wbs_code(w)}.md").write_text(
            f":::{{dm-milestones-by-wbs}}\n:wbs: {wbs_code(w)}\n:::\n"
        )
    (root / "index.md").write_text("# Benchmark\n\n```{toctree}\nmilestones/index\nreleases/index\n```\n")
    (root / "conf.py").write_text(CONF)
    return root


def build(root: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "sphinx-build"), "-b", "html", "-q", "-W", "--keep-going", "-j", str(jobs), str(root),
         str(root / "_build" / "html")],
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build here and keep the site")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="dmsite-ms-bench-"))
    if root.exists():
        shutil.rmtree(root)
    make_site(args.n, root)
    clean = build(root, args.jobs)
    again = build(root, args.jobs)
    pages = len(list((root / "_build" / "html").rglob("*.html")))
    print(f"{args.n} milestones, -j {args.jobs}: clean build {clean:.1f} s, no-op rebuild {again:.1f} s, {pages} pages")
    if not args.keep:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
