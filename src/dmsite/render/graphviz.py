"""DOT text → SVG with the ``dot`` program, cached by content hash."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

DOT_TIMEOUT_S = 120


class GraphvizMissing(RuntimeError):
    pass


def dot_string(text: str) -> str:
    """A DOT double-quoted string literal with *text* escaped."""
    cleaned = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", "\\n")
    return f'"{cleaned}"'


def render_svg(dot: str, cache_dir: Path | None = None) -> str:
    """Lay out *dot* and return the SVG element (no XML prolog), reusing a cached result."""
    digest = hashlib.sha256(dot.encode()).hexdigest()
    cached = cache_dir / f"{digest}.svg" if cache_dir else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing("graphviz 'dot' was not found: install graphviz (Debian: apt-get install graphviz)")
    done = subprocess.run(
        [exe, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=DOT_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    svg = _strip_prolog(done.stdout.decode("utf-8"))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{digest[:8]}.tmp")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(cached)
    return svg


def _strip_prolog(svg: str) -> str:
    """Drop the XML declaration, DOCTYPE and generator comments so the SVG can sit inline."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S)
