"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

import contextlib
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.support.runners import free_port


class _Inbox:
    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append((envelope.rcpt_tos, message))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, recipient, timeout=30):
        """The first message delivered to recipient, waiting for it up to timeout."""

        def delivered():
            return next((m for to, m in self.messages if recipient in to), None)

        with self.arrived:
            self.arrived.wait_for(delivered, timeout)
            found = delivered()
        assert found is not None, f"no email for {recipient} within {timeout} s: {self.messages}"
        return found


@contextlib.contextmanager
def smtp_sink(host="127.0.0.1"):
    """(inbox, port) of an SMTP server on host, stopped afterwards."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname=host, port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
