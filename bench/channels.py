"""Channels: how long one attempt takes against local receivers over real sockets.

Sends `--count` messages through each channel (Slack, signed webhook, PagerDuty, email) to a
local HTTP receiver or SMTP relay on 127.0.0.1 and prints p50 and p99 per channel in ms, then
how long an attempt takes to give up on a refused connection. These bound what a page costs
before any retry: the paging engine's 2-second target for a first page leaves the rest to it.
Usage: uv run python bench/channels.py [--count 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from exigent.config import Settings
from exigent.oncall.channels import Channel, Message
from exigent.oncall.transports import (
    EmailChannel,
    PagerDutyChannel,
    SlackChannel,
    WebhookChannel,
)
from http_receiver import HttpReceiver
from mail_relay import MailRelay

MESSAGE = Message(
    subject="P0 EXG-0000042: emergency waiting",
    text="A suicide-risk emergency arrived and nobody has acknowledged it.",
    dedup_key="case-42-new-p0",
    link="http://127.0.0.1/console/cases/42",
)


def _timed(channel: Channel, count: int) -> list[float]:
    took = []
    for _ in range(count):
        started = time.perf_counter()
        delivery = channel.send(MESSAGE)
        took.append((time.perf_counter() - started) * 1000)
        if not delivery.ok:
            raise SystemExit(f"{type(channel).__name__}: {delivery.detail}")
    return took


def _line(name: str, took: list[float]) -> str:
    cuts = statistics.quantiles(took, n=100)
    return f"{name:10} n={len(took)} p50={cuts[49]:.1f} ms p99={cuts[98]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    relay = MailRelay()
    relay.start()
    with HttpReceiver(default=202) as receiver:
        settings = Settings(
            environment="test",
            smtp_port=relay.port,
            pagerduty_events_url=f"{receiver.url}/v2/enqueue",
        )
        channels: dict[str, Channel] = {
            "slack": SlackChannel(url=f"{receiver.url}/slack", settings=settings),
            "webhook": WebhookChannel(
                url=f"{receiver.url}/hook", secret="bench-secret-0123456789", settings=settings
            ),
            "pagerduty": PagerDutyChannel(routing_key="BENCHKEY", settings=settings),
            "email": EmailChannel(to="bench@example.test", settings=settings),
        }
        for name, channel in channels.items():
            print(_line(name, _timed(channel, count)))
    relay.stop()
    closed = HttpReceiver().start()
    closed.close()
    refused = SlackChannel(url=f"{closed.url}/slack", settings=settings)
    started = time.perf_counter()
    delivery = refused.send(MESSAGE)
    print(
        f"refused    {(time.perf_counter() - started) * 1000:.1f} ms, "
        f"retry={delivery.retry}: {delivery.detail}"
    )


if __name__ == "__main__":
    main()
