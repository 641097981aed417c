"""DOT text → SVG with the ``dot`` program, cached by content hash."""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .errors import GraphvizError, GraphvizMissing

DOT_TIMEOUT_S = 120
_program = "dot"  # the graphviz program: the dmsite_dot setting


def set_program(program: str) -> None:
    """Lay out graphs with *program* (a name on the PATH or a path) from now on; set before layouts start."""
    global _program
    _program = program


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
    """The content hash naming a graph's layout in the cache (by the program too: another lays out otherwise)."""
    return hashlib.sha256(dot.encode() if _program == "dot" else f"{_program}\0{dot}".encode()).hexdigest()


def render_svg(dot: str, cache_dir: Path | None = None) -> str:
    """Lay out *dot* and return the SVG element (no XML prolog), reusing a cached or started layout."""
    digest = graph_key(dot)
    with _lock:
        started = _started.pop(digest, None) if _pool_pid == os.getpid() else None
    if started is not None:
        svg = started.result()[digest]  # later calls read the cache
        if isinstance(svg, Exception):
            raise svg
        return svg
    return _layout(dot, digest, cache_dir)


def _layout(dot: str, digest: str, cache_dir: Path | None) -> str:
    cached = cache_dir / f"{digest}.svg" if cache_dir else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    svg = _strip_prolog(_run_dot(dot))
    if cached:
        _keep(cached, svg)
    return svg


def _run_dot(dot: str) -> str:
    """``dot -Tsvg`` on *dot* (one graph or several, one after the other)."""
    exe = shutil.which(_program)
    if exe is None:
        raise GraphvizMissing(f"graphviz '{_program}' was not found: install graphviz (Debian: apt-get install "
                              "graphviz) or set dmsite_dot in conf.py")
    done = subprocess.run(
        [exe, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=DOT_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8")


def _keep(cached: Path, svg: str) -> None:
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # unique: builds may share the cache
    tmp.write_text(svg, encoding="utf-8")
    tmp.replace(cached)


LAYOUT_ERRORS = (GraphvizError, RuntimeError, OSError, subprocess.TimeoutExpired)  # dot missing, failing or hanging


def _layout_all(dots: dict[str, str], cache_dir: Path | None) -> dict[str, str | Exception]:
    """Lay out several graphs (key → DOT) in one ``dot`` process: one start-up, not one per graph.

    If that fails, each is laid out alone, so that an error is kept with the graph it belongs to.
    """
    if len(dots) > 1:
        with contextlib.suppress(*LAYOUT_ERRORS):
            output = _run_dot("".join(dots.values()))
            # dot prefixes the ids of all but the first graph of a run ("page0,1_dm-graph-..."): undone
            svgs = [_strip_prolog(_PAGE_PREFIX.sub(r"\1", doc)) for doc in _SVG_END.split(output) if "<svg" in doc]
            if len(svgs) == len(dots):
                for digest, svg in zip(dots, svgs, strict=True):
                    if cache_dir:
                        _keep(cache_dir / f"{digest}.svg", svg)
                return dict(zip(dots, svgs, strict=True))
    return {digest: _layout_or_error(dot, digest, cache_dir) for digest, dot in dots.items()}


def _layout_or_error(dot: str, digest: str, cache_dir: Path | None) -> str | Exception:
    try:
        return _layout(dot, digest, cache_dir)
    except LAYOUT_ERRORS as error:
        return error


_SVG_END = re.compile(r"(?<=</svg>)")
_PAGE_PREFIX = re.compile(r'( id="(?:a_)?)page\d+,\d+_')


def _strip_prolog(svg: str) -> str:
    """Drop the XML declaration, DOCTYPE and generator comments so the SVG can sit inline."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S).rstrip() + "\n"


# -- layouts started ahead: one `dot` process per core, while the build goes on ----------------

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0  # a forked process (parallel Sphinx readers) starts its own pool: threads do not survive fork
_started: dict[str, Future[dict[str, str | Exception]]] = {}  # graph key -> its job (key -> SVG or error)
_lock = threading.Lock()


def start_renders(dots: list[str], cache_dir: Path | None = None) -> list[str]:
    """Begin laying out those of *dots* not cached yet, in the background and by one ``dot`` process;
    ``render_svg`` then waits for them.  Returns the graphs' keys; errors surface in ``render_svg``."""
    global _pool, _pool_pid
    digests = [graph_key(dot) for dot in dots]
    with _lock:
        if _pool_pid != os.getpid():
            _pool, _pool_pid = ThreadPoolExecutor(max_workers=os.cpu_count() or 2), os.getpid()
            _started.clear()
        todo = {
            digest: dot for digest, dot in zip(digests, dots, strict=True)
            if digest not in _started and not (cache_dir and (cache_dir / f"{digest}.svg").exists())
        }
        if todo:
            assert _pool is not None
            job = _pool.submit(_layout_all, todo, cache_dir)
            _started.update(dict.fromkeys(todo, job))
    return digests
