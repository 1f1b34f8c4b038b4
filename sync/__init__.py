"""The sync engine: session, transport, pull/push, conflict rules, and the APScheduler schedule.

Knows no Qt. See docs/sync-protocol.md for the wire and the shared design's SYNC.md for the rules.
"""
