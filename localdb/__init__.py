"""The local SQLite mirror: schema, local migrations, outbox capture, and the queries the screens need.

Knows no network and no Qt. See docs/data-model.md for the tables.
"""
