"""The test editor of a lesson and its learner's-eye preview.

How to mount (from the lesson editor or the main window)::

    from desktop.tests_editor import TestEditor

    editor = TestEditor(db_runner, lesson_id)   # db_runner: desktop.workers.DbRunner (anything with .submit)
    tabs.addTab(editor, "Test")                  # loads off the GUI thread; enabled once sig_loaded fires
    editor.sig_saved.connect(lambda test_id: scheduler.notify_local_change())
    editor.sig_failed.connect(show_message)         # plain words, already shown inside the editor too

`TestEditor(runner, lesson_id, test_id=None)` opens the lesson's given (or first) test, or a new one. One
editor can follow the lesson editor: `TestEditor(runner)` then `open_lesson(lesson_id)` each time a lesson
opens (`lessons_page.editor.add_tab(test_editor, "Test")`).

Its "Preview" button opens `TestPreviewDialog(header, drafts)`: it grades with localdb's grading, records
nothing. `editor.dirty` says whether there are unsaved edits (ask before leaving it).
"""

from __future__ import annotations

from desktop.tests_editor.editor import TestEditor
from desktop.tests_editor.items import ItemDraft, TestHeader
from desktop.tests_editor.preview import TestPreviewDialog

__all__ = ["ItemDraft", "TestEditor", "TestHeader", "TestPreviewDialog"]
