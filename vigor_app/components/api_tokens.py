"""The Profile page's "API tokens" card: make a token for a script, a watch or another app,
see it once, and revoke the ones no longer used."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import field_error, form_error, select_field, text_field
from vigor_app.components.layout import listed_item, section_card, stacked_form
from vigor_app.services.accounts.api_tokens import EXPIRY_DAYS
from vigor_app.state.api_tokens import NEVER
from vigor_app.state.api_tokens import ApiTokensState as S

EXPIRY_CHOICES = [(str(d), f"In {d} days") for d in EXPIRY_DAYS] + [(NEVER, "Never")]


def _new_token() -> rx.Component:
    return rx.callout.root(
        rx.vstack(
            rx.text("Your new token “", S.new_token_name, "”. Copy it now: it is not shown again.",
                    weight="medium", size="2"),
            rx.code(S.new_token, id="new-api-token", size="2", style={"word-break": "break-all"}),
            rx.hstack(
                rx.button(rx.icon("copy", size=14), "Copy", size="2", variant="soft",
                          on_click=[rx.set_clipboard(S.new_token), rx.toast.success("Token copied.")]),
                rx.button("Done", size="2", variant="outline", on_click=S.dismiss_new_token),
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        color_scheme="green",
        role="status",
        width="100%",
    )


def _token(row) -> rx.Component:
    return listed_item(
        row["name"],
        rx.text(row["shown"], " · ", row["scopes"], size="1", color_scheme="gray"),
        rx.text("Made ", row["created"], " · ", row["expires"], " · ", row["used"], size="1", color_scheme="gray"),
        action=rx.button("Revoke", size="2", color_scheme="red", variant="soft", on_click=S.revoke(row["id"]),
                         aria_label="Revoke " + row["name"]),
    )


def api_tokens_card() -> rx.Component:
    return section_card(
        "API tokens",
        rx.cond(S.new_token != "", _new_token()),
        form_error(S.errors.get("form", "")),
        stacked_form(
            text_field("Token name", "token_name", error=S.errors.get("name", ""), max_length=60,
                       hint="What will use it, like “Watch shortcut”."),
            rx.vstack(
                rx.text("It may", class_name="vigor-label"),
                rx.text("Read your data (always)", size="2"),
                rx.checkbox("Change your data: log sets, start and finish workouts", name="scope_write",
                            default_checked=True),
                rx.cond(S.is_admin, rx.checkbox("Run the admin console", name="scope_admin")),
                field_error(S.errors.get("scopes", ""), "token-scopes"),
                spacing="2",
            ),
            select_field("Expires", "expires_in_days", EXPIRY_CHOICES, name="expires_in_days", default_value="90",
                         error=field_error(S.errors.get("expires_in_days", ""), "expires_in_days")),
            rx.button("Make a token", type="submit", size="3"),
            on_submit=S.create,
            spacing="3",
            max_width="480px",
        ),
        rx.cond(
            S.tokens.length() > 0,
            rx.vstack(rx.foreach(S.tokens, _token), spacing="2", width="100%"),
            rx.text("No tokens yet.", size="2", color_scheme="gray"),
        ),
        rx.link("How to use the API →", href="/api/v1/docs", size="2", is_external=True),
        intro="Scripts, watches and other apps use Vigor's API with a token. Anyone holding it can act as you "
              "within what it may do: keep it secret, and revoke it when you stop using it.",
    )
