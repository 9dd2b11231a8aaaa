"""A real SMTP server (aiosmtpd) on a free port of 127.0.0.1, and helpers to read its mail."""

from __future__ import annotations

import asyncio
import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from pooling.extensions import db
from pooling.mail.delivery import deliver_due


class Inbox:
    """What the server received; ``refusals`` are answers given (in order) before accepting."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.refusals: list[str] = []
        self.always: str | None = None
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.always:
            return self.always
        if self.refusals:
            return self.refusals.pop(0)
        self.envelopes.append(list(envelope.rcpt_tos))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=policy.default)
        )
        return "250 2.0.0 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_server(inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


@pytest.fixture
def smtp_server(app):
    """An SMTP server the application delivers to (MAIL_URL set); yields its ``Inbox``."""
    inbox = Inbox()
    controller = start_smtp_server(inbox)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    app.config["POOLING_BASE_URL"] = "https://pole.example.org"
    yield inbox
    controller.stop()


def deliver() -> None:
    """What ``pooling jobs run`` does for mail, from a clean session."""
    db.session.commit()
    deliver_due()
    db.session.expire_all()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


LINK = re.compile(r"https://pole\.example\.org(/\S+)")


def link_in(message) -> str:
    """The path of the first link of the application in the mail's text."""
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return match.group(1)
