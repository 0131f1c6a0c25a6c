"""Text an AI provider (or the built-in coach) wrote, shown as text and nothing more.

The server reads a coach's message (the little Markdown a coach writes) into blocks and spans of
plain text (`services/coach/text_blocks.py`); these components render them with React's text
nodes, so nothing in a message is ever markup: `<img onerror=…>` or `<iframe srcdoc=…>` shows as
the characters it is, a link shows its words (nobody is sent elsewhere) and an image its
description in brackets (no tracking pixel is fetched). No Markdown library runs in the browser,
so the pages that show a coach's words (dashboard, History, Coach) load none.
Paragraphs, bullet and numbered lists, headings (as bold lines), bold, italic and code show.
"""

from __future__ import annotations

import reflex as rx

from vigor_app.services.coach.text_blocks import Block, Span


def _span(span: rx.Var[Span]) -> rx.Component:
    return rx.cond(span.strong, rx.el.strong(span.text),
                   rx.cond(span.em, rx.el.em(span.text), rx.el.span(span.text)))


def _block(block: rx.Var[Block]) -> rx.Component:
    words = rx.foreach(block.spans, _span)
    return rx.match(
        block.kind,
        ("heading", rx.text(words, weight="bold")),
        ("item", rx.hstack(rx.text(block.marker, aria_hidden="true"), rx.text(words), spacing="2", align="start")),
        ("code", rx.el.pre(words, style={"white_space": "pre-wrap", "overflow_wrap": "anywhere"})),
        rx.text(words),
    )


def ai_blocks(blocks: rx.Var[list[Block]], **props) -> rx.Component:
    """A coach's message, read by the server into blocks: every word rendered as text."""
    return rx.vstack(rx.foreach(blocks, _block), spacing="2", width="100%", overflow_wrap="anywhere", **props)
