"""The sync engine: session, transport, pull/push, conflict rules, and the APScheduler schedule.

Knows no Qt. See docs/sync-protocol.md for the wire and the shared design's SYNC.md for the rules.

The surface the app, the CLI and the scheduler use:

- `sync.service.login(data_dir, url, anon_key, email, password) -> Profile`: sign in, keep the refresh token
  (OS keyring, else a 0600 file in the data folder), create the profile and its mirror, register the device.
- `sync.service.ProfileSync.open(data_dir, profile, *, listener=None, mirror=None)`: mirror + session +
  transport + engine for one profile; `.run(cancel) -> SyncReport` never raises for sync failures;
  `.run_or_raise(cancel)` raises the report's error (the scheduler backs off on it); `.close()`.
- `sync.service.run_sync_for(data_dir, profile, *, mirror=None, listener=None)`: the scheduler's
  `run_sync(cancel_event)` callable.
- `sync.engine.SyncEngine(mirror, transport, device_id, *, page_size=1000, batch_size=500, listener=None,
  prepare=None, app_schema=APP_SCHEMA, clock=None)`: `.run(cancel) -> SyncReport`, stages in `sync.status`.
- `sync.status`: `SyncProgress` (listener events, frozen), `SyncReport` (`summary()` = the CLI's JSON keys),
  `Stage`, `STAGES`.
- `sync.errors`: the exception tree (`SyncError` > `Offline`, `ServerError` > `MalformedAnswer`, `AuthError` >
  `SessionExpired`, `AppTooOld`, `Cancelled`); every error has `.plain` words and `.status`; `Offline.offline`
  is True (the scheduler's `looks_offline` reads it).
- `sync.transport`: the `Transport` protocol (the seam for fault injection) and `SupabaseTransport`.
- `sync.rules`: the merge (C1-C5) and the clock helpers, pure functions.
"""
