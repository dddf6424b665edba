"""Choose the transport from Settings: the one place that knows every concrete Mailer."""

from __future__ import annotations

from newsletter.config import Settings
from newsletter.mail import Mailer
from newsletter.mail.outbox import OutboxMailer


def build_mailer(settings: Settings) -> Mailer:
    """The Mailer that NEWSLETTER_MAIL_BACKEND names, configured from the settings."""
    if settings.mail_backend == "smtp":
        from newsletter.mail.smtp import SmtpMailer

        return SmtpMailer(settings.smtp_url)
    if settings.mail_backend == "sendgrid":
        from newsletter.mail.sendgrid import SendGridMailer

        return SendGridMailer(settings.sendgrid_api_key, api_url=settings.sendgrid_api_url)
    return OutboxMailer(settings.outbox_dir)
