"""Outbox fan-out, push (firebase-admin), the inbox, live events and signed webhooks (aiohttp)."""
