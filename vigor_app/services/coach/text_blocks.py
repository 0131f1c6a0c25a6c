"""A coach's message (a provider's or the built-in coach's Markdown) as blocks of plain text.

The dashboard and History show the coach's words without a Markdown library in the browser: the
server reads the little Markdown a coach writes (paragraphs, bullet and numbered lists, headings,
bold and italic, code) into blocks and spans of text, which the page renders as text. Nothing in
them is ever markup: a "<" stays a "<", a link shows its words and an image its description in
brackets, and nothing is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_BLOCKS = 200  # a message longer than this is cut (a coach's message is far shorter)

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
# Inline: an image or link first (their words kept), then strong, emphasis and code. Every run
# is bounded (a span of at most 300 characters, a link target of at most 2,000), so a line of
# unmatched markers costs linear time, not quadratic: provider text is untrusted.
_INLINE = re.compile(r"!\[([^\]]{0,300})\]\([^)]{0,2000}\)|\[([^\]]{1,300})\]\([^)]{0,2000}\)"
                     r"|\*\*(.{1,300}?)\*\*|__(.{1,300}?)__"
                     r"|(?<![\w*])\*(?!\s)(.{1,300}?)(?<!\s)\*(?!\*)|(?<![\w_])_(?!\s)(.{1,300}?)(?<!\s)_(?!\w)"
                     r"|`([^`]{1,300})`")


@dataclass
class Span:
    text: str
    strong: bool = False
    em: bool = False


@dataclass
class Block:
    kind: str  # "paragraph", "heading", "item" (with its marker) or "code"
    spans: list[Span] = field(default_factory=list)
    marker: str = ""


def spans(text: str) -> list[Span]:
    """One line's inline Markdown as spans of plain text."""
    out: list[Span] = []
    at = 0
    for match in _INLINE.finditer(text):
        if match.start() > at:
            out.append(Span(text[at:match.start()]))
        image, link, strong, strong2, em, em2, code = match.groups()
        if image is not None:
            out.append(Span(f"[{image or 'image'}]"))
        elif link is not None:
            out.append(Span(link))
        elif strong is not None or strong2 is not None:
            out.append(Span(strong if strong is not None else strong2, strong=True))
        elif em is not None or em2 is not None:
            out.append(Span(em if em is not None else em2, em=True))
        else:
            out.append(Span(code))
        at = match.end()
    if at < len(text):
        out.append(Span(text[at:]))
    return [span for span in out if span.text]


def blocks(markdown: str) -> list[Block]:
    """The message's blocks, in order; empty for an empty message."""
    out: list[Block] = []
    paragraph: list[str] = []
    code: list[str] | None = None

    def end_paragraph() -> None:
        if paragraph:
            out.append(Block("paragraph", spans(" ".join(line.strip() for line in paragraph))))
            paragraph.clear()

    for line in (markdown or "").replace("\r\n", "\n").split("\n"):
        if code is not None:
            if _FENCE.match(line):
                out.append(Block("code", [Span("\n".join(code))]))
                code = None
            else:
                code.append(line)
            continue
        if _FENCE.match(line):
            end_paragraph()
            code = []
        elif not line.strip() or _RULE.match(line):
            end_paragraph()
        elif heading := _HEADING.match(line):
            end_paragraph()
            out.append(Block("heading", spans(heading.group(1))))
        elif bullet := _BULLET.match(line):
            end_paragraph()
            out.append(Block("item", spans(bullet.group(1)), marker="•"))
        elif numbered := _NUMBERED.match(line):
            end_paragraph()
            out.append(Block("item", spans(numbered.group(2)), marker=f"{numbered.group(1)}."))
        elif quote := _QUOTE.match(line):
            paragraph.append(quote.group(1))
        else:
            paragraph.append(line)
    end_paragraph()
    if code:  # a fence never closed: its lines are still shown
        out.append(Block("code", [Span("\n".join(code))]))
    return [block for block in out if block.spans][:MAX_BLOCKS]


def one_line(markdown: str) -> str:
    """The message as one line of plain text (a notification's body): its blocks' words in
    order, list markers kept, no Markdown."""
    parts = []
    for block in blocks(markdown):
        words = "".join(span.text for span in block.spans).strip()
        if words:
            parts.append(f"{block.marker} {words}" if block.marker else words)
    return " ".join(" ".join(parts).split())
