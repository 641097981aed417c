"""Lays out DOT text with the graphviz program, cached by content: the only module that starts ``dot``.

``start_renders`` begins laying out graphs in the background (one process per batch, one batch per
core at a time); ``render_svg`` returns a graph's inline SVG, waiting for a started layout, reading
the cache or running ``dot`` itself; ``render`` gives SVG or PDF bytes for other builders.  Every
failure — the program missing, failing, printing no picture or hanging — is a ``GraphvizError``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import shutil
import signal
import subprocess
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal

from .atomic import write_atomically
from .errors import GraphvizError

DOT_TIMEOUT_S = 120.0
FORMATS = ("svg", "pdf", "png")

Reason = Literal["missing", "failed", "timeout"]




@dataclasses.dataclass(frozen=True)
class Program:
    """Which graphviz program lays out graphs, and how long one run may take."""

    name: str = "dot"
    timeout: float = DOT_TIMEOUT_S


_program = Program()


def set_program(name: str = "dot") -> None:
    """Lay out graphs with *name*: a program looked up on ``PATH``, or a path (``dmsite_dot``)."""
    global _program
    _program = dataclasses.replace(_program, name=name)


def set_timeout(seconds: float = DOT_TIMEOUT_S) -> None:
    """Give up on a run of the program after *seconds* (a batch of graphs is one run)."""
    global _program
    _program = dataclasses.replace(_program, timeout=seconds)


def program() -> Program:
    """The program and time limit in use."""
    return _program


def graph_key(dot: str) -> str:
    """The content hash naming a graph's layouts in the cache (the program's name is part of it)."""
    return hashlib.sha256(f"{_program.name}\0{dot}".encode()).hexdigest()


def render_svg(dot: str, cache_dir: Path | None = None) -> str:
    """Lay out *dot* and return the SVG element (no XML prolog), reusing a cached or started layout."""
    digest = graph_key(dot)
    with _lock:
        started = _started.pop(digest, None) if _pool_pid == os.getpid() else None
    if started is not None:
        svg = started.result()[digest]  # later calls read the cache
        if isinstance(svg, GraphvizError):
            raise svg
        if svg is not None:
            return svg
    return _layout(dot, digest, cache_dir)  # None: laid out and kept in the cache, read from there


def render(dot: str, fmt: str = "svg", cache_dir: Path | None = None) -> bytes:
    """*dot* laid out as a whole file in *fmt* (``svg``, ``pdf`` or ``png``), cached like the SVGs."""
    if fmt == "svg":
        return render_svg(dot, cache_dir).encode()
    if fmt not in FORMATS:
        raise ValueError(f"graphviz output format '{fmt}' is not one of {', '.join(FORMATS)}")
    cached = cache_dir / f"{graph_key(dot)}.{fmt}" if cache_dir else None
    if cached and cached.exists():
        return cached.read_bytes()
    data = _run_dot(dot, fmt)
    if not data.startswith(b"%PDF" if fmt == "pdf" else b"\x89PNG"):
        raise GraphvizError(f"{_program.name} failed: its output is not {fmt.upper()}", "failed")
    if cached:
        _keep(cached, data)
    return data


def _layout(dot: str, digest: str, cache_dir: Path | None) -> str:
    cached = cache_dir / f"{digest}.svg" if cache_dir else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    svgs = _svgs(_run_dot(dot, "svg"))
    if len(svgs) != 1:
        raise GraphvizError(f"{_program.name} failed: its output is not one SVG picture", "failed")
    if cached:
        _keep(cached, svgs[0].encode())
    return svgs[0]


def _run_dot(dot: str, fmt: str) -> bytes:
    """``dot -T<fmt>`` on *dot* (one graph or several, one after the other); its output."""
    name, timeout = _program.name, _program.timeout
    exe = shutil.which(name)
    if exe is None and os.sep in name and Path(name).is_file():
        raise GraphvizError(f"graphviz program '{name}' is not executable", "missing")
    if exe is None:
        raise GraphvizError(
            f"graphviz program '{name}' was not found: install graphviz (Debian: apt-get install graphviz) "
            "or name the program in dmsite_dot", "missing",
        )
    try:
        # its own process group, so that a timeout also stops what a wrapper script started
        proc = subprocess.Popen(
            [exe, f"-T{fmt}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        raise GraphvizError(f"graphviz program '{exe}' could not be started: {error.strerror}", "missing") from None
    with proc:
        try:
            out, err = proc.communicate(dot.encode(), timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise GraphvizError(f"{name} did not finish within {timeout:g} s", "timeout") from None
    if proc.returncode != 0:
        detail = err.decode(errors="replace").strip() or f"exit status {proc.returncode}"
        raise GraphvizError(f"{name} failed: {detail}", "failed")
    return out


def _keep(cached: Path, data: bytes) -> bool:
    """Store a layout (True: stored); a cache that cannot be written only costs time later."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, data)
    except OSError:
        return False
    return True


_SVG_END = re.compile(r"(?<=</svg>)")
_PAGE_PREFIX = re.compile(r'( id="(?:a_)?)page\d+,\d+_')


def _svgs(output: bytes) -> list[str]:
    """The SVG elements in ``dot -Tsvg`` output, ready to sit inline."""
    text = output.decode("utf-8", errors="replace")
    # dot prefixes the ids of all but the first graph of a run ("page0,1_dm-graph-..."): undone
    return [_strip_prolog(_PAGE_PREFIX.sub(r"\1", doc)) for doc in _SVG_END.split(text) if "<svg" in doc]


def _strip_prolog(svg: str) -> str:
    """Drop the XML declaration, DOCTYPE and generator comments so the SVG can sit inline."""
    body = svg[svg.find("<svg"):]
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S).rstrip() + "\n"


def _layout_all(dots: dict[str, str], cache_dir: Path | None) -> dict[str, str | GraphvizError | None]:
    """Lay out several graphs (key → DOT) in one ``dot`` process: one start-up, not one per graph.

    If the program is missing or hangs, that is every graph's error; if it fails, each graph is laid
    out alone, so that the error is kept with the graph it belongs to.  A layout kept in the cache is
    None here (``render_svg`` reads it from there): the SVGs of a whole site need not wait in memory
    for their pages to be written (60 MB at 20,000 milestones).
    """
    if len(dots) > 1:
        try:
            svgs = _svgs(_run_dot("".join(dots.values()), "svg"))
        except GraphvizError as error:
            if error.reason != "failed":
                return dict.fromkeys(dots, error)
            svgs = []
        if len(svgs) == len(dots):
            return {
                digest: None if cache_dir and _keep(cache_dir / f"{digest}.svg", svg.encode()) else svg
                for digest, svg in zip(dots, svgs, strict=True)
            }
    return {digest: _layout_or_error(dot, digest, cache_dir) for digest, dot in dots.items()}


def _layout_or_error(dot: str, digest: str, cache_dir: Path | None) -> str | GraphvizError | None:
    try:
        svg = _layout(dot, digest, cache_dir)
    except GraphvizError as error:
        return error
    return None if cache_dir and (cache_dir / f"{digest}.svg").exists() else svg


# -- layouts started ahead: one `dot` process per core, while the build goes on ----------------

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0  # a forked process (parallel Sphinx readers) starts its own pool: threads do not survive fork
_started: dict[str, Future[dict[str, str | GraphvizError | None]]] = {}  # graph key -> its job (key -> SVG or error)
_lock = threading.Lock()


def forget_started() -> None:
    """Drop the layouts started ahead and not asked for yet: a new build starts its own (with its own PATH,
    program and cache), and must not get another build's result, an error perhaps."""
    with _lock:
        _started.clear()


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
