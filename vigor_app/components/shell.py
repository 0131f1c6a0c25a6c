"""The app shell: navigation for signed-in people, and the page template that protects pages.

A page puts itself in the navigation where it is declared:
``@app_page("/progress", "Progress", nav=NavItem("Progress", "trending-up", order=70))``.
The sidebar and the phone menu list what the pages declared, by ``order``; on a phone the
entries declared with ``tab=True`` (the sections used between sets: Dashboard, Log, History,
Coach, Progress) are also a tab bar at the bottom of the screen, in reach of a thumb."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import reflex as rx

from vigor_app.components.forms import color_mode_button
from vigor_app.state.auth import AuthState


@dataclass(frozen=True)
class NavItem:
    """A page's entry in the navigation: its label, its Lucide icon, its place (lower first),
    whether only administrators see it, and whether it is a tab of the phone's bottom bar.
    The href is the page's route."""

    label: str
    icon: str
    order: int
    admin: bool = False
    href: str = ""
    tab: bool = False


_NAVIGATION: dict[str, NavItem] = {}  # by href: declaring a page again replaces its entry


def declare_nav(route: str, item: NavItem) -> None:
    _NAVIGATION[route] = replace(item, href=route)


def navigation() -> list[NavItem]:
    """Every declared entry, in menu order."""
    return sorted(_NAVIGATION.values(), key=lambda item: (item.order, item.href))


def nav_items(*, is_admin: bool) -> list[NavItem]:
    """The entries one person sees: the admin-only ones for administrators alone."""
    return [item for item in navigation() if is_admin or not item.admin]


def _for_admins_only(item: NavItem, entry: rx.Component) -> rx.Component:
    return rx.cond(AuthState.is_admin, entry) if item.admin else entry


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("activity", size=26, color=rx.color("accent", 9)),
            rx.text("Vigor", size="6", weight="bold"),  # not a heading: the page's title is its h1
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
        color="inherit",
        aria_label="Vigor home",
    )


def _active(href: str) -> rx.Var[bool]:
    path = AuthState.router.url.path
    return (path == href) | path.startswith(href + "/")  # /admin/users belongs to Admin


def _nav_link(item: NavItem) -> rx.Component:
    href = item.href
    active = _active(href)
    return rx.link(
        rx.hstack(rx.icon(item.icon, size=18), rx.text(item.label, size="3"), align="center", spacing="3"),
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
    return [_for_admins_only(item, _nav_link(item)) for item in navigation()]


def _menu_items() -> list[rx.Component]:
    return [_for_admins_only(item, rx.menu.item(rx.link(item.label, href=item.href, underline="none",
                                                        width="100%")))
            for item in navigation()]


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
    return rx.hstack(
        logo(),
        rx.spacer(),
        color_mode_button(),
        rx.menu.root(
            rx.menu.trigger(rx.button(rx.icon("menu", size=18), "Menu", variant="soft", size="2")),
            rx.menu.content(
                *_menu_items(),
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


TAB_BAR_HEIGHT = "60px"


def _tab(item: NavItem) -> rx.Component:
    active = _active(item.href)
    return rx.link(
        rx.vstack(rx.icon(item.icon, size=20), rx.text(item.label, size="1", weight="medium"),
                  align="center", spacing="1"),
        href=item.href,
        underline="none",
        flex="1",
        min_height="48px",  # a thumb's target, above the 44 px minimum
        display="flex",
        align_items="center",
        justify_content="center",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        aria_current=rx.cond(active, "page", "false"),
    )


def tab_bar() -> rx.Component:
    """The phone's bottom bar: the sections used between sets, one tap away."""
    return rx.el.nav(
        rx.hstack(*[_tab(item) for item in navigation() if item.tab and not item.admin],
                  width="100%", spacing="0", align="center", height="100%"),
        aria_label="Sections",
        display=rx.breakpoints(initial="block", md="none"),
        position="fixed",
        bottom="0",
        left="0",
        right="0",
        height=TAB_BAR_HEIGHT,
        padding_bottom="env(safe-area-inset-bottom)",
        z_index="20",
        border_top=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def checking() -> rx.Component:
    return rx.center(rx.spinner(size="3"), rx.text("Loading…", margin_left="8px"), padding="48px",
                     width="100%")


def shell(content: rx.Component, route: str) -> rx.Component:
    """Sidebar on wide screens; on phones a top bar with a menu and the tab bar at the bottom;
    the content is rendered once, when the page's data has loaded (see `AuthState.shown_page`;
    it stays shown when the connection comes back and the page loads again)."""
    body = rx.cond(AuthState.signed_in & (AuthState.shown_page == route), content, checking())
    return rx.flex(
        # Banner landmarks (the one for the screen's width is shown): the logo, the navigation
        # and the account controls are all inside a landmark.
        rx.el.header(sidebar(), display=rx.breakpoints(initial="none", md="block")),
        rx.el.header(mobile_bar(), display=rx.breakpoints(initial="block", md="none"), width="100%",
                     position="sticky", top="0", z_index="10"),
        rx.el.main(
            body,
            padding=rx.breakpoints(initial="16px", md="32px"),
            padding_bottom=rx.breakpoints(initial=f"calc({TAB_BAR_HEIGHT} + 24px)", md="32px"),
            width="100%",
            max_width="1100px",
        ),
        tab_bar(),
        direction=rx.breakpoints(initial="column", md="row"),
        min_height="100vh",
    )


def page_header(title: str | rx.Var[str], subtitle: str = "") -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="8", as_="h1"),
        rx.text(subtitle, color_scheme="gray", size="3") if subtitle else rx.fragment(),
        spacing="1",
        margin_bottom="24px",
    )


def app_page(route: str, title: str, *, on_load: list | None = None, nav: NavItem | None = None) -> Callable:
    """Decorator for a private page: the shell around it, sign-in checked on load first; with
    ``nav``, its entry in the navigation."""
    if nav is not None:
        declare_nav(route, nav)

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        events = [AuthState.require_login, *(on_load or []), AuthState.page_loaded(route)]

        def wrapped() -> rx.Component:
            return shell(render(), route)

        # Reflex compiles a page's memoized parts into one module named after the page
        # function's module: the page's own, so each page's script carries only what it uses
        # (the charts only on Progress, Markdown only where a coach message is shown) instead of
        # every page's parts in one shared script that every page loads.
        wrapped.__module__ = render.__module__
        wrapped.__qualname__ = render.__qualname__
        return rx.page(route=route, title=f"{title} · Vigor", on_load=events)(wrapped)

    return decorator
