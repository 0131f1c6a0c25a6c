"""Text an AI provider (or the built-in coach) wrote, shown as formatted text and nothing more.

`rx.markdown` renders raw HTML by default (rehype-raw), so a reply holding `<img onerror=…>` or
`<iframe srcdoc=…>` would become live markup. Here every "<" is written as an entity, so markup
shows as the text it is; raw HTML is never parsed (no rehype-raw), and any that got through
would be dropped by react-markdown (`skipHtml`). An image shows as its description in brackets
and a link as its text, so a reply cannot load a tracking pixel or send the reader elsewhere;
no math plugin.
Lists, emphasis, headings and code still render.
"""

from __future__ import annotations

import reflex as rx

FORBIDDEN_ELEMENTS = ["a", "iframe", "script", "style", "object", "embed", "form", "input"]


def _image_as_text(*_children, **_props) -> rx.Component:
    """A Markdown image, shown as its description in brackets: nothing is fetched."""
    return rx.el.span("[", rx.Var(_js_expr="(props.alt || 'image')"), "]")


def ai_text(content, **props) -> rx.Component:
    # "<" becomes the entity "&lt;": Markdown shows it as the character, so markup reads as the
    # text it is and never reaches the parser as HTML.
    source = content.to(str).replace("<", "&lt;") if isinstance(content, rx.Var) else content.replace("<", "&lt;")
    markdown = rx.markdown.root(
        source,
        remark_plugins=[rx.markdown.plugin.gfm],  # lists, tables, strike-through
        rehype_plugins=[],  # no rehype-raw: HTML stays text
        component_map={"img": _image_as_text},
        custom_attrs={"skipHtml": True, "disallowedElements": FORBIDDEN_ELEMENTS, "unwrapDisallowed": True},
    )
    return rx.box(markdown, **props)
