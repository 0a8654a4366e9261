"""Who keeps a unit: the one rule of where its reminders go.

A unit's `owner_email`, else its department's `owner_email`; None when neither is set (the
unit is listed on Datakvalitet, never mailed to anyone else). The address is staff-only:
the public view, public exports and the search index never hold it (`directory.visibility`).
"""

from __future__ import annotations

from directory.model import Directory, Unit


def owner_address(directory: Directory, unit: Unit) -> str | None:
    """The address a unit's reminders go to, or None when it has none."""
    if unit.owner_email:
        return unit.owner_email
    department = directory.departments.get(unit.department)
    return department.owner_email if department is not None else None


def address_key(address: str) -> str:
    """One key per mailbox: case and surrounding spaces do not matter."""
    return address.strip().casefold()


def same_address(a: str | None, b: str | None) -> bool:
    """Two e-mail addresses are the same mailbox (case and spaces do not matter)."""
    return bool(a and b) and address_key(a or "") == address_key(b or "")
