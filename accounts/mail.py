"""Sending the app's own e-mails: each is a subject/text/html triple of templates, and every
link in it is absolute (settings.SITE_URL)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def mail_send(*, template: str, to: str, context: dict, language: str = "") -> None:
    """Render templates/<template>_subject.txt, _body.txt and _body.html, in `language` (the
    recipient's, accounts.languages.language_of; the site's default without one), and send them
    to `to`."""
    context = {**context, "SITE_URL": settings.SITE_URL.rstrip("/")}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
