"""The Coach: a conversation with replies streaming in, grounded in the person's own data."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.ai_text import ai_blocks
from vigor_app.components.feedback import reason_form, thumbs
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.services.coach.text_blocks import Block
from vigor_app.state.coach import REASON_LIMIT
from vigor_app.state.coach import CoachState as S


def _bubble(message: rx.Var[dict], blocks: rx.Var[list[Block]]) -> rx.Component:
    mine = message["role"] == "user"
    return rx.box(
        rx.cond(
            mine,
            rx.text(message["content"], white_space="pre-wrap"),
            rx.vstack(
                rx.cond(message["content"] == "",
                        rx.hstack(rx.spinner(size="2"), rx.text("Thinking…", color_scheme="gray"), role="status"),
                        ai_blocks(blocks)),
                rx.cond(message["engine"] != "", rx.text(message["engine"], size="1", color_scheme="gray")),
                rx.cond(message["notice"] != "", rx.callout(
                    rx.text(message["notice"], rx.cond(
                        message["membership"] != "",
                        rx.fragment(" ", rx.link("Your membership", href="/membership"), "."))),
                    icon="info", size="1", color_scheme="orange")),
                rx.cond(message["id"] != "", thumbs(message["vote"], S.rate(message["id"], "up"),
                                                    S.rate(message["id"], "down"))),
                rx.cond((S.reason_for != "") & (S.reason_for == message["id"]),
                        reason_form("coach-feedback-reason", S.reason_error, S.save_reason, S.close_reason,
                                    limit=REASON_LIMIT)),
                spacing="1",
                align="start",
            ),
        ),
        align_self=rx.cond(mine, "flex-end", "flex-start"),
        background=rx.cond(mine, rx.color("accent", 3), rx.color("gray", 2)),
        border=f"1px solid {rx.color('gray', 4)}",
        border_radius="12px",
        padding="10px 14px",
        max_width="85%",
        aria_label=rx.cond(mine, "You said", "Coach said"),
        role="article",
    )


def _conversations() -> rx.Component:
    return rx.vstack(
        rx.button(rx.icon("plus", size=14), "New conversation", variant="soft", width="100%",
                  on_click=S.new_conversation, disabled=S.streaming),
        rx.foreach(S.conversations, lambda c: rx.hstack(
            rx.button(rx.text(c["title"], as_="span", white_space="nowrap", overflow="hidden",  # one line,
                              text_overflow="ellipsis"),  # however long the first question
                      variant=rx.cond(c["id"] == S.conversation_id.to_string(), "solid", "ghost"),
                      size="2", on_click=S.select(c["id"]), flex="1", min_width="0", justify="start",
                      overflow="hidden", title=c["title"]),
            rx.icon_button(rx.icon("trash-2", size=14), variant="ghost", color_scheme="red", size="1",
                           aria_label="Delete conversation " + c["title"], on_click=S.delete_conversation(c["id"])),
            width="100%",
        )),
        spacing="2",
        width=rx.breakpoints(initial="100%", md="240px"),
        min_width=rx.breakpoints(initial="auto", md="240px"),
        order=rx.breakpoints(initial="2", md="0"),  # on a phone the conversation comes first
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("Message to the coach", html_for="coach-message", class_name="sr-only"),
            rx.text_area(id="coach-message", value=S.draft, on_change=S.set_draft, placeholder="Ask your coach…",
                         max_length=1000, disabled=S.streaming, width="100%", rows="3"),
            rx.hstack(
                rx.text(S.draft.length().to_string() + " / 1000", size="1", color_scheme="gray"),
                rx.spacer(),
                rx.cond(S.streaming,
                        rx.button(rx.icon("square", size=14), "Stop", color_scheme="gray", type="button",
                                  on_click=S.stop),
                        rx.button(rx.icon("send", size=14), "Send", type="submit")),
                width="100%",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=lambda _: S.send,
        width="100%",
    )


def _messages() -> rx.Component:
    """The conversation in a box of its own that keeps its newest message in view (a column laid
    out from the bottom starts scrolled to the end), so the composer below it stays in reach
    however long the conversation grows."""
    return rx.box(
        rx.vstack(
            rx.cond(S.has_older, rx.button("Load earlier messages", variant="ghost", size="1",
                                           on_click=S.load_older)),
            rx.vstack(rx.foreach(S.messages, lambda m, i: _bubble(m, S.message_blocks[i])), spacing="3",
                      width="100%", role="log",
                      aria_live="polite", aria_label="Conversation"),
            spacing="3",
            width="100%",
        ),
        display="flex",
        flex_direction="column-reverse",
        overflow_y="auto",
        max_height=rx.breakpoints(initial="calc(100dvh - 350px)", md="calc(100dvh - 300px)"),  # the tab bar
        min_height="120px",
        width="100%",
        padding_right="4px",
        tab_index=0,
        aria_label="Messages",
        role="region",
    )


def _chat() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.messages.length() == 0,
            rx.vstack(
                rx.text("Ask about your training. Some ideas:", color_scheme="gray"),
                rx.foreach(S.suggestions, lambda q: rx.button(q, variant="outline", size="2",
                                                              on_click=S.ask(q))),
                spacing="2",
                align="start",
            ),
            _messages(),
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert")),
        _composer(),
        rx.button(rx.cond(S.show_knows, "Hide what the coach knows", "What the coach knows"), variant="ghost",
                  size="1", on_click=S.toggle_knows),
        rx.cond(S.show_knows, rx.card(rx.el.pre(S.knows, style={"white_space": "pre-wrap", "font_size": "13px"}),
                                      width="100%")),
        spacing="3",
        width="100%",
        min_width="0",
    )


@app_page("/coach", "Coach", on_load=[S.load],
          nav=NavItem("Coach", "message-circle", order=60, tab=True))
def coach_page() -> rx.Component:
    return rx.vstack(
        page_header("Coach", "Answers from your own training log. Not medical advice."),
        rx.flex(_conversations(), _chat(), direction=rx.breakpoints(initial="column", md="row"), spacing="5",
                width="100%", align="start"),
        width="100%",
    )
