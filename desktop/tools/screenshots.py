"""Screenshots for the user guide, taken from the real app on the demo school (run under Xvfb).

    xvfb-run -a -s "-screen 0 1280x860x24" python -m desktop.tools.screenshots [--out docs/screenshots]

Starts the demo server (`tutordesk devstack up --seed demo --detach`, in a throwaway folder), signs in as the
demo teacher, lets the first sync run, makes one real conflict (the same lesson title edited here and on the
server; the server's later edit wins, ours is kept for review), then saves PNGs of the lesson list, the lesson
editor, its notes, the test editor, the sync status and log, the review-changes view, the trash (with one
of the teacher's lessons moved there) and the Profile menu (both demo teachers signed in on this PC). Stops the
server.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def wait(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    from PySide6.QtCore import QCoreApplication  # noqa: PLC0415 - Qt only once the display is set

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        QCoreApplication.processEvents()
        time.sleep(0.01)  # a script driving the real app; tests never do this


def settle(seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    wait(lambda: time.monotonic() > end, seconds + 5)


def devstack(data_dir: Path, *args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "devstack", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def free_port_pair() -> int:
    """A port whose next one is free too (the devstack serves HTTP on it and PostgreSQL on the next)."""
    import socket  # noqa: PLC0415

    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        with socket.socket() as second:
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free pair of ports")


def server_edit(db_url: str, title: str, new_title: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE public.lessons SET title = %s WHERE title = %s", (new_title, title))


def shoot(widget: Any, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)


def run(out: Path) -> None:
    from desktop.firstrun import sign_in_and_store  # noqa: PLC0415
    from desktop.launch import build  # noqa: PLC0415

    tmp = Path(tempfile.mkdtemp(prefix="tutordesk-shots-"))
    data_dir, stack_dir = tmp / "data", tmp / "devstack"
    os.environ["TUTORDESK_DATA_DIR"], os.environ["TUTORDESK_CONFIG_DIR"] = str(data_dir), str(tmp / "config")
    (tmp / "config").mkdir(parents=True)
    (tmp / "config" / "tutordesk.toml").write_text("first_run_done = true\n", encoding="utf-8")
    port = free_port_pair()
    info = devstack(
        data_dir, "up", "--seed", "demo", "--detach", "--dir", str(stack_dir), "--port", str(port)
    )
    try:
        # Teacher 2 first, so the Profile menu lists two accounts and teacher 1 is the last one used.
        sign_in_and_store(data_dir, info["url"], info["anon_key"], "teacher2@demo.school", "demo-teacher-2")
        profile = sign_in_and_store(
            data_dir, info["url"], info["anon_key"], "teacher1@demo.school", "demo-teacher-1"
        )
        app = build(data_dir, str(profile.user_id))
        window = app.start()
        window.resize(1270, 800)
        wait(lambda: app.sync is not None and app.sync.bridge is not None)
        bridge = app.sync.bridge
        wait(lambda: bridge.snapshot.last_success is not None, 120)
        take_all(app, window, info, out)
    finally:
        devstack(data_dir, "down", "--dir", str(stack_dir))


def take_all(app: Any, window: Any, info: dict[str, Any], out: Path) -> None:
    lessons = app.lessons_page
    lessons.list.apply_filter()
    wait(lambda: lessons.list.model.total > 0 and not lessons.list.model.loading)
    lessons.list.table.selectRow(0)
    wait(lambda: lessons.editor.isEnabled() and bool(lessons.editor.draft.title))
    shoot(window, out / "lessons.png")
    lessons.editor.tabs.setCurrentIndex(1)
    shoot(window, out / "lesson-notes.png")
    lessons.editor.tabs.setCurrentIndex(2)
    settle(1.0)
    shoot(window, out / "test-editor.png")
    lessons.editor.tabs.setCurrentIndex(0)
    own = lessons.list.model.row_of_title("Colours")  # one of teacher1's own lessons (see docs/devstack.md)
    lessons.list.table.selectRow(max(own, 0))
    wait(lambda: lessons.editor.draft.title.startswith("Colours"))
    make_conflict(app, info)
    shoot(window.statusBar(), out / "sync-status.png")
    window.show_page("synclog")
    shoot(window, out / "sync-log.png")
    window.show_page("review")
    settle(1.0)
    shoot(window, out / "review-changes.png")
    trash_one(app, "Greetings")  # teacher1's own lesson, so the trash shows a row to restore
    window.show_page("trash")
    shoot(window, out / "trash.png")
    window.show_page("lessons")
    shoot_menu(window, out / "profile-menu.png")
    app.shutdown()


def shoot_menu(window: Any, path: Path) -> None:
    """The Profile menu open over the window: a popup is its own window, so the screen is grabbed."""
    window.on_profile_menu()
    settle(1.0)
    menu = window.profile_menu.geometry()
    top_left = window.mapToGlobal(window.rect().topLeft())
    width = max(menu.right() - top_left.x() + 40, 640)
    height = max(menu.bottom() - top_left.y() + 40, 240)
    shot = window.screen().grabWindow(0, top_left.x(), top_left.y(), width, height)
    window.profile_menu.hide()
    shot.save(str(path))
    print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)


def trash_one(app: Any, title: str) -> None:
    lessons, trash = app.lessons_page, app.trash_page
    lessons.list.table.selectRow(lessons.list.model.row_of_title(title))
    wait(lambda: lessons.editor.draft.title == title)
    before = lessons.list.model.total
    lessons.delete_selected()
    wait(lambda: lessons.list.model.total == before - 1 and not lessons.list.model.loading)
    trash.list.apply_filter()
    wait(lambda: trash.list.model.total == 1 and not trash.list.model.loading)
    trash.list.table.selectRow(0)


def make_conflict(app: Any, info: dict[str, Any]) -> None:
    """Edit a title here, then the same title on the server later: the sync keeps the server's, logs ours."""
    editor = app.lessons_page.editor
    old = editor.draft.title
    editor.title.setText(old + " (my version)")
    editor.title.textEdited.emit(editor.title.text())
    editor.save()
    wait(lambda: not editor.saving)
    time.sleep(0.05)  # so the server's stamp is clearly later than ours
    server_edit(info["db_url"], old, old + " (colleague's version)")
    runs = app.sync.bridge.snapshot.last_success
    app.window.on_sync_now()
    wait(lambda: app.sync.bridge.snapshot.last_success != runs and not app.sync.bridge.snapshot.running, 120)
    app.lessons_page.list.apply_filter()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the real app on the demo school")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    run(args.out.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
