"""The app shell: navigation for signed-in people, and the page template that protects pages."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from vigor_app.components.forms import color_mode_button
from vigor_app.state.auth import AuthState

NAV_ITEMS = [
    ("Dashboard", "/dashboard", "layout-dashboard"),
    ("Workouts", "/workouts", "dumbbell"),
    ("Log", "/log", "notebook-pen"),
    ("History", "/history", "history"),
    ("Exercises", "/exercises", "book-open"),
    ("Coach", "/coach", "message-circle"),
    ("Progress", "/progress", "trending-up"),
    ("Profile", "/profile", "user"),
]
ADMIN_ITEM = ("Admin", "/admin", "shield")


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("activity", size=26, color=rx.color("accent", 9)),
            rx.heading("Vigor", size="6", weight="bold"),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
        color="inherit",
        aria_label="Vigor home",
    )


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    path = AuthState.router.url.path
    active = (path == href) | path.startswith(href + "/")  # /admin/users belongs to Admin
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="3"), align="center", spacing="3"),
        href=href,
        underline="none",
        padding_x="12px",
        padding_y="8px",
        border_radius="8px",
        width="100%",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 12)),
        background=rx.cond(active, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        aria_current=rx.cond(active, "page", "false"),
    )


def _nav_links() -> list[rx.Component]:
    links = [_nav_link(*item) for item in NAV_ITEMS]
    links.append(rx.cond(AuthState.is_admin, _nav_link(*ADMIN_ITEM)))
    return links


def _account_box() -> rx.Component:
    return rx.vstack(
        rx.divider(),
        rx.hstack(
            rx.icon("circle-user", size=20),
            rx.text(AuthState.username, weight="medium", size="2", trim="both"),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            color_mode_button(),
            rx.button(
                rx.icon("log-out", size=16), "Sign out", variant="soft", color_scheme="gray",
                size="2", on_click=AuthState.sign_out,
            ),
            spacing="2",
        ),
        spacing="3",
        width="100%",
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        logo(),
        rx.el.nav(rx.vstack(*_nav_links(), spacing="1", width="100%"), aria_label="Main", width="100%"),
        rx.spacer(),
        _account_box(),
        padding="20px",
        width="240px",
        min_width="240px",
        height="100vh",
        position="sticky",
        top="0",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        spacing="5",
    )


def mobile_bar() -> rx.Component:
    items = [rx.menu.item(rx.link(label, href=href, underline="none", width="100%"))
             for label, href, _ in NAV_ITEMS]
    return rx.hstack(
        logo(),
        rx.spacer(),
        color_mode_button(),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("menu", size=18), "Menu", variant="soft", size="2")),
            rx.menu.content(
                *items,
                rx.cond(AuthState.is_admin,
                        rx.menu.item(rx.link("Admin", href="/admin", underline="none", width="100%"))),
                rx.menu.separator(),
                rx.menu.item("Sign out", on_click=AuthState.sign_out, color_scheme="red"),
            ),
        ),
        padding="12px 16px",
        width="100%",
        align="center",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def checking() -> rx.Component:
    return rx.center(rx.spinner(size="3"), rx.text("Loading…", margin_left="8px"), padding="48px",
                     width="100%")


def shell(content: rx.Component) -> rx.Component:
    """Sidebar on wide screens, a top bar with a menu on phones; the content is rendered once."""
    body = rx.cond(AuthState.signed_in, content, checking())
    return rx.flex(
        rx.box(sidebar(), display=rx.breakpoints(initial="none", md="block")),
        rx.box(mobile_bar(), display=rx.breakpoints(initial="block", md="none"), width="100%",
               position="sticky", top="0", z_index="10"),
        rx.el.main(
            body,
            padding=rx.breakpoints(initial="16px", md="32px"),
            width="100%",
            max_width="1100px",
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        min_height="100vh",
    )


def page_header(title: str, subtitle: str = "") -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="8", as_="h1"),
        rx.text(subtitle, color_scheme="gray", size="3") if subtitle else rx.fragment(),
        spacing="1",
        margin_bottom="24px",
    )


def app_page(route: str, title: str, *, on_load: list | None = None) -> Callable:
    """Decorator for a private page: the shell around it, sign-in checked on load first."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        events = [AuthState.require_login, *(on_load or [])]

        @rx.page(route=route, title=f"{title} · Vigor", on_load=events)
        def wrapped() -> rx.Component:
            return shell(render())

        return wrapped

    return decorator
