"""DOT text → SVG with the ``dot`` program, cached by content hash."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

DOT_TIMEOUT_S = 120


class GraphvizMissing(RuntimeError):
    pass


def dot_string(text: str) -> str:
    """A DOT double-quoted string literal with *text* escaped."""
    cleaned = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", "\\n")
    return f'"{cleaned}"'


def graph_key(dot: str) -> str:
    """The content hash naming a graph's layout in the cache."""
    return hashlib.sha256(dot.encode()).hexdigest()


def render_svg(dot: str, cache_dir: Path | None = None) -> str:
    """Lay out *dot* and return the SVG element (no XML prolog), reusing a cached or started layout."""
    digest = graph_key(dot)
    with _lock:
        started = _started.pop(digest, None) if _pool_pid == os.getpid() else None
    if started is not None:
        return started.result()  # later calls read the cache
    return _layout(dot, digest, cache_dir)


def _layout(dot: str, digest: str, cache_dir: Path | None) -> str:
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
        tmp = cached.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # unique: builds may share the cache
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(cached)
    return svg


def _strip_prolog(svg: str) -> str:
    """Drop the XML declaration, DOCTYPE and generator comments so the SVG can sit inline."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S)


# -- layouts started ahead: one `dot` process per core, while the build goes on ----------------

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0  # a forked process (parallel Sphinx readers) starts its own pool: threads do not survive fork
_started: dict[str, Future[str]] = {}
_lock = threading.Lock()


def start_render(dot: str, cache_dir: Path | None = None) -> str:
    """Begin laying out *dot* in the background unless it is cached; ``render_svg`` then waits for it.

    Returns the graph's key.  Errors surface when ``render_svg`` is called.
    """
    global _pool, _pool_pid
    digest = graph_key(dot)
    if cache_dir and (cache_dir / f"{digest}.svg").exists():
        return digest
    with _lock:
        if _pool_pid != os.getpid():
            _pool, _pool_pid = ThreadPoolExecutor(max_workers=os.cpu_count() or 2), os.getpid()
            _started.clear()
        if digest not in _started:
            assert _pool is not None
            _started[digest] = _pool.submit(_layout, dot, digest, cache_dir)
    return digest
