from __future__ import annotations

import pytest

from exigent.config import Settings
from exigent.notifications.email import MailNotSent, compose, send
from mail_relay import MailRelay
from net import free_port


def test_a_message_reaches_the_relay_with_sender_subject_and_text(mailbox: MailRelay) -> None:
    settings = Settings(environment="test", smtp_port=mailbox.port)
    message = compose(settings, to="officer@police.example", subject="Confirm", text="Hello")

    message_id = send(settings, message)

    [received] = mailbox.to("officer@police.example")
    assert received["Subject"] == "Confirm"
    assert received["Message-ID"] == message_id
    assert "Hello" in received.get_content()


def test_an_unreachable_relay_is_a_clear_error_naming_it() -> None:
    port = free_port()
    settings = Settings(environment="test", smtp_port=port)
    message = compose(settings, to="a@b.example", subject="s", text="t")

    with pytest.raises(MailNotSent, match=f"127.0.0.1:{port}"):
        send(settings, message)
