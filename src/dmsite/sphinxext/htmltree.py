"""dmsite's rendered HTML as a small element tree (the standard library's parser), for the conversion to nodes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# -- a small element tree -------------------------------------------------------------------


@dataclass
class El:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[El | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source", "area"}


GRAPH_COMMENT = re.compile(r"dmsite-graph:([0-9a-f]{64})")


SVG = re.compile(r"<svg\b.*?</svg>", re.S)


class _TreeBuilder(HTMLParser):
    def __init__(self, svgs: list[str]):
        super().__init__(convert_charrefs=True)
        self.root = El("root")
        self.stack = [self.root]
        self.svgs = svgs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = El(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(El(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):  # tolerate unclosed elements inside
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        found = GRAPH_COMMENT.search(data)
        if found:
            self.stack[-1].children.append(El("dm-graph", {"key": found.group(1)}))


def parse(markup: str) -> El:
    """The markup as an element tree; each inline ``<svg>`` kept whole as the text of a ``dm-svg`` element."""
    svgs: list[str] = []

    def keep(match: re.Match[str]) -> str:
        svgs.append(match.group(0))
        return f'<dm-svg data-index="{len(svgs) - 1}"></dm-svg>'

    builder = _TreeBuilder(svgs)
    builder.feed(SVG.sub(keep, markup) if "<svg" in markup else markup)
    builder.close()
    for element in walk(builder.root):
        if element.tag == "dm-svg":
            element.attrs["svg"] = svgs[int(element.attrs["data-index"])]
    return builder.root


def walk(element: El) -> list[El]:
    found = [element]
    for child in element.children:
        if isinstance(child, El):
            found += walk(child)
    return found
