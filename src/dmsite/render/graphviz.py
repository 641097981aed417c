"""DOT text → SVG with the ``dot`` program, cached by content hash."""

from __future__ import annotations

import hashlib
import html
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
    """A DOT double-quoted string that a label shows as *text*, literally; a line break starts a centred line.

    Graphviz reads backslash escapes in labels (``\\N`` node name, ``\\G`` graph name, ``\\l`` line
    break...), so each backslash is doubled; double quotes are escaped; and it decodes HTML entities
    (``&lt;`` would show as ``<``), so ``&`` is written ``&amp;``.
    """
    cleaned = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + cleaned.replace("\n", "\\n") + '"'


def dot_tooltip(text: str) -> str:
    """A DOT string for a ``tooltip`` (node, edge or graph) showing *text* literally.

    Graphviz unescapes tooltips twice (``\\N`` in a tooltip becomes the node's name even when written
    ``\\\\N``), so a backslash is written as four.
    """
    return dot_string(text.replace("\\", "\\\\"))


def dot_html_text(text: str) -> str:
    """Text inside an HTML-like label (``label=<...>``): entities escaped, on one line, backslashes literal."""
    return html.escape(" ".join(text.split()), quote=True).replace("\\", "\\\\")


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
