"""The delivery channels, behind one protocol (channels/base.py: claim, send, record), and their registry.

A channel is one module here and one row below; `NotificationsConfig.channels` says which of them a worker runs,
in order. A channel named there that is not configured (push without FCM credentials) is left out.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Final

from notifications.channels.base import Channel, ChannelFactory
from notifications.models import NotificationsConfig

#: each channel's module (its `from_config` makes it); imported when a worker opens it, so that an API process,
#: which reads notifications.channels.webhook's URL checks, does not load firebase-admin for push
REGISTRY: Final[Mapping[str, str]] = {
    "push": "notifications.channels.push",
    "webhook": "notifications.channels.webhook",
}


def factory(name: str) -> ChannelFactory:
    made: ChannelFactory = importlib.import_module(REGISTRY[name]).from_config
    return made


async def open_channels(config: NotificationsConfig) -> list[Channel[Any]]:
    """The configured channels, made from the config; closed again if one of them cannot be made."""
    unknown = [name for name in config.channels if name not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown notification channels {unknown}; known: {sorted(REGISTRY)}")
    opened: list[Channel[Any]] = []
    try:
        for name in config.channels:
            channel = factory(name)(config)
            if channel is not None:
                opened.append(channel)
    except BaseException:
        await close_channels(opened)
        raise
    return opened


async def close_channels(channels: list[Channel[Any]]) -> None:
    """Close each channel, the last opened first; every one is closed even when one fails (the first failure is
    raised afterwards)."""
    failure: Exception | None = None
    for channel in reversed(channels):
        try:
            await channel.close()
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        raise failure
