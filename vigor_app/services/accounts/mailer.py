"""Outgoing e-mail through SMTP, or to the server log when no SMTP server is configured."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from vigor_app.settings import get_settings

log = logging.getLogger(__name__)


class MailError(Exception):
    pass


def send_email(to: str, subject: str, body: str) -> bool:
    """Send a plain-text e-mail. Returns True when handed to SMTP, False when only logged."""
    settings = get_settings()
    if not settings.smtp_host:
        log.warning("SMTP is not configured; e-mail to %s, subject %r:\n%s", to, subject, body)
        return False
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        if settings.smtp_security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=15, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                client.login(settings.smtp_username, password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("Could not send e-mail to %s via %s: %s", to, settings.smtp_host, type(exc).__name__)
        raise MailError("The e-mail could not be sent right now. Try again in a few minutes.") from exc
    log.info("E-mail %r sent to %s", subject, to)
    return True
