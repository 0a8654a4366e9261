"""The number to call for a unit: always one when the data has one anywhere up the tree.

A unit's own number to call first (`Unit.first_number`: a fast-track line for staff, else
its first public number); a unit without a phone gets its nearest ancestor's, else its
forvaltning's main number (a municipal forvaltning's first number; an external group's
numbers, such as 112, are not a main number of its members), labelled as such so that
nobody takes the fallback for the unit's own line. The result cards, the unit page,
Borgerens situation and the call lists all ask here. The directory passed in is the
viewer's view, so the public view never gets a staff-only number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directory.model import DepartmentKind, Directory, Phone, PhoneKind, Unit
from directory.rules import hours


@dataclass(frozen=True, slots=True)
class CallNumber:
    """A number to call for a unit, and whose number it is."""

    phone: Phone
    unit_id: str | None  # the unit whose number it is (None: the forvaltning's)
    department_id: str | None  # the forvaltning whose main number it is
    owner: str  # the name of that unit or forvaltning
    own: bool  # the unit's own number

    @property
    def note(self) -> str:
        """'' for the unit's own number, else whose it is, in Danish: 'forvaltningens
        hovednummer' or 'overordnet enhed: Borgercenter Voksne (BCV)'."""
        if self.own:
            return ""
        if self.unit_id is None:
            return "forvaltningens hovednummer"
        return f"overordnet enhed: {self.owner}"


def number_to_call(directory: Directory, unit: Unit, *, public: bool = False) -> CallNumber | None:
    """The unit's own number to call first, else its nearest ancestor's, else its municipal
    forvaltning's main number; None when the data has none of them. `public`: only public
    numbers (what a citizen may be given: the printout of Borgerens situation)."""

    def first(phones: list[Phone], call_first: Phone | None) -> Phone | None:
        if not public:
            return call_first
        return next((p for p in phones if p.kind is PhoneKind.PUBLIC), None)

    phone = first(unit.phones, unit.first_number())
    if phone is not None:
        return CallNumber(phone, unit.id, None, unit.name, True)
    for ancestor in directory.ancestors(unit.id):
        phone = first(ancestor.phones, ancestor.first_number())
        if phone is not None:
            return CallNumber(phone, ancestor.id, None, ancestor.name, False)
    department = directory.departments.get(unit.department)
    if department and department.kind is DepartmentKind.MUNICIPAL:
        phone = first(department.phones, department.phones[0] if department.phones else None)
        if phone is not None:
            return CallNumber(phone, None, department.id, department.name, False)
    return None


def after_hours_phone(unit: Unit, at: dt.datetime) -> Phone | None:
    """A number of the unit's own that is staffed at `at` by its own hours (a vagttelefon, a
    staff line open till 22): what a closed unit's card offers first."""
    for phone in unit.phones:
        if phone.hours and hours.status(phone.hours, at).is_open:
            return phone
    return None
