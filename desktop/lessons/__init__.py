"""The lesson screens: the list (a lazily paged table model), the editor with its notes, and the trash."""
