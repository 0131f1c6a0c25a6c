"""Sign in, register, forgot password, reset password and the end of single sign-on."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import color_mode_button, text_field
from vigor_app.components.layout import form_with_error, new_password_fields
from vigor_app.components.shell import logo
from vigor_app.state.auth import AuthState
from vigor_app.state.password_reset import SENT_MESSAGE, ForgotPasswordState, ResetPasswordState
from vigor_app.state.sign_in import RegisterState, SignInState, SingleSignOnState


def auth_card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            # The banner landmark: nothing a screen reader lists sits outside a landmark.
            rx.el.header(rx.hstack(logo(), rx.spacer(), color_mode_button(), width="100%", align="center"),
                         width="100%"),
            # The page's one main landmark (the signed-in pages have theirs in the shell).
            rx.el.main(
                rx.card(
                    rx.vstack(rx.heading(title, size="6", as_="h1"), *children, spacing="4", width="100%"),
                    size="4",
                    width="100%",
                ),
                width="100%",
            ),
            spacing="5",
            width="100%",
            max_width="420px",
        ),
        min_height="100vh",
        padding="16px",
        background=rx.color("gray", 2),
    )


@rx.page(route="/signin", title="Sign in · Vigor", on_load=AuthState.redirect_signed_in)
def signin_page() -> rx.Component:
    return auth_card(
        "Sign in",
        *form_with_error(
            SignInState.form_error,
            text_field("E-mail or username", "login", error=SignInState.login_error, autocomplete="username"),
            text_field("Password", "password", type="password", error=SignInState.password_error,
                       autocomplete="current-password", max_length=128),
            submit="Sign in",
            on_submit=SignInState.sign_in,
        ),
        rx.cond(
            SignInState.sso_url != "",
            rx.vstack(
                rx.hstack(rx.divider(), rx.text("or", size="2", color_scheme="gray"), rx.divider(),
                          align="center", width="100%"),
                # A plain anchor: the browser must leave the app for the provider (a full load).
                rx.el.a(rx.button(rx.icon("key-round", size=16), "Sign in with ", SignInState.sso_name,
                                  variant="outline", size="3", width="100%", tab_index=-1),
                        href=SignInState.sso_url, custom_attrs={"reloadDocument": True},
                        style={"width": "100%"}),
                width="100%",
            ),
        ),
        rx.hstack(
            rx.link("Forgot your password?", href="/forgot-password", size="2"),
            rx.spacer(),
            rx.link("Create an account", href="/register", size="2"),
            width="100%",
            wrap="wrap",
        ),
    )


@rx.page(route="/register", title="Create your account · Vigor", on_load=AuthState.redirect_signed_in)
def register_page() -> rx.Component:
    return auth_card(
        "Create your account",
        *form_with_error(
            RegisterState.form_error,
            text_field("E-mail", "email", type="email", error=RegisterState.email_error, autocomplete="email"),
            text_field("Username", "username", error=RegisterState.username_error, autocomplete="username",
                       max_length=30, hint="3–30 letters, digits, dots, dashes or underscores."),
            *new_password_fields("Password", "Confirm password", RegisterState.password_error,
                                 RegisterState.confirm_error,
                                 hint="At least 8 characters; common passwords are refused."),
            submit="Create account",
            on_submit=RegisterState.register,
        ),
        rx.text("Already have an account? ", rx.link("Sign in", href="/signin"), size="2"),
    )


@rx.page(route="/forgot-password", title="Forgot password · Vigor", on_load=ForgotPasswordState.start)
def forgot_password_page() -> rx.Component:
    return auth_card(
        "Forgot your password?",
        rx.cond(
            ForgotPasswordState.sent,
            rx.callout(SENT_MESSAGE, icon="mail-check", color_scheme="green", role="status"),
            rx.vstack(
                rx.text("Enter the e-mail of your account and we will send you a link to choose a new "
                        "password.", size="2", color_scheme="gray"),
                *form_with_error(
                    ForgotPasswordState.form_error,
                    text_field("E-mail", "email", type="email", error=ForgotPasswordState.email_error,
                               autocomplete="email"),
                    submit="Send reset link",
                    on_submit=ForgotPasswordState.request_link,
                ),
                spacing="4",
                width="100%",
            ),
        ),
        rx.link("Back to sign in", href="/signin", size="2"),
    )


@rx.page(route="/reset-password", title="Choose a new password · Vigor",
         on_load=ResetPasswordState.start)
def reset_password_page() -> rx.Component:
    return auth_card(
        "Choose a new password",
        rx.cond(
            ResetPasswordState.done,
            rx.vstack(
                rx.callout("Your password has been changed. Sign in with it now.", icon="check",
                           color_scheme="green", role="status"),
                rx.link(rx.button("Sign in", size="3", width="100%"), href="/signin", width="100%"),
                width="100%",
            ),
            rx.vstack(
                *form_with_error(
                    ResetPasswordState.form_error,
                    *new_password_fields("New password", "Confirm new password", ResetPasswordState.password_error,
                                         ResetPasswordState.confirm_error),
                    submit="Set new password",
                    on_submit=ResetPasswordState.set_new_password,
                ),
                width="100%",
            ),
        ),
        rx.link("Back to sign in", href="/signin", size="2"),
    )


@rx.page(route="/auth/finish", title="Signing in · Vigor", on_load=SingleSignOnState.finish)
def sso_finish_page() -> rx.Component:
    return auth_card(
        "Signing you in",
        rx.cond(
            SingleSignOnState.error != "",
            rx.vstack(
                rx.callout(SingleSignOnState.error, icon="triangle_alert", color_scheme="red", role="alert"),
                rx.link("Back to sign in", href="/signin"),
                width="100%",
            ),
            rx.hstack(rx.spinner(), rx.text("One moment…"), align="center"),
        ),
    )
