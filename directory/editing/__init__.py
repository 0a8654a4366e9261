"""Editing the directory from the app: round-trip YAML edits, validated as a whole
directory before anything is written, written atomically under a lock, and committed to
the data directory's git repository as the signed-in user. No streamlit here."""

from directory.editing.editor import (
    Author,
    EditConflict,
    EditError,
    EditingOff,
    Editor,
    EditRefused,
    HistoryEntry,
    SaveResult,
    UnitState,
    commit_url,
)
from directory.editing.fields import FIELD_DA, FieldChange, FieldError

__all__ = [
    "FIELD_DA",
    "Author",
    "EditConflict",
    "EditError",
    "EditRefused",
    "Editor",
    "EditingOff",
    "FieldChange",
    "FieldError",
    "HistoryEntry",
    "SaveResult",
    "UnitState",
    "commit_url",
]
