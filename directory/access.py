"""Who is looking: roles from the identity token, mapped by the access file.

The access file (path in `LANDKORT_ACCESS`) maps the groups in one claim of the ID token to
roles::

    claim: groups                 # the ID-token claim that lists the user's groups
    staff: [kk-medarbejdere]      # may see fast_track and internal numbers, contacts
    coordinators:                 # may edit the units of these departments
      sof: [kk-sof-redaktion]
    managers: [kk-ledere]
    admins: [kk-landkort-admin]   # everything, all departments
    public: false                 # true: visitors who are not signed in get the public view

Without the file every signed-in user is staff and nobody is a coordinator. No streamlit
here: `ui.viewer()` builds a `Viewer` from `st.user` with `viewer_from_claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Viewer:
    """The person looking at the directory and what they may see and do."""

    signed_in: bool = False
    name: str | None = None
    email: str | None = None
    staff: bool = False  # may see staff-only fields (fast_track/internal phones, contacts)
    coordinator_of: frozenset[str] = field(default_factory=frozenset)  # department ids
    manager: bool = False
    admin: bool = False

    def can_edit(self, department_id: str) -> bool:
        """May change the units of this department (and close its reports)."""
        return self.admin or department_id in self.coordinator_of

    @property
    def is_coordinator(self) -> bool:
        return self.admin or bool(self.coordinator_of)


PUBLIC = Viewer()


class AccessFileError(ValueError):
    """The access file cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class AccessRules:
    claim: str = "groups"
    staff: frozenset[str] = frozenset()
    coordinators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    managers: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    public: bool = False
    configured: bool = False  # False: no access file, every signed-in user is staff


NO_ACCESS_FILE = AccessRules()
_KEYS = {"claim", "staff", "coordinators", "managers", "admins", "public"}


def _groups(path: str, key: str, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AccessFileError(f"{path}: '{key}' must be a list of group names, e.g. [kk-ledere]")
    return frozenset(value)


def load_access(path: str | Path | None) -> AccessRules:
    """The rules of the access file at `path`; `NO_ACCESS_FILE` when path is None."""
    if path is None:
        return NO_ACCESS_FILE
    name = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccessFileError(f"{name}: cannot read the access file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise AccessFileError(f"{name}: not valid YAML: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise AccessFileError(f"{name}: the access file must be a mapping (claim, staff, …)")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise AccessFileError(f"{name}: unknown key '{unknown[0]}': use {', '.join(sorted(_KEYS))}")
    coordinators = raw.get("coordinators") or {}
    if not isinstance(coordinators, dict):
        raise AccessFileError(f"{name}: 'coordinators' maps department ids to lists of groups")
    claim = raw.get("claim", "groups")
    if not isinstance(claim, str) or not claim:
        raise AccessFileError(f"{name}: 'claim' must name the ID-token claim, e.g. groups")
    public = raw.get("public", False)
    if not isinstance(public, bool):
        raise AccessFileError(f"{name}: 'public' must be true or false")
    return AccessRules(
        claim=claim,
        staff=_groups(name, "staff", raw.get("staff")),
        coordinators={
            str(dept): _groups(name, f"coordinators.{dept}", groups)
            for dept, groups in coordinators.items()
        },
        managers=_groups(name, "managers", raw.get("managers")),
        admins=_groups(name, "admins", raw.get("admins")),
        public=public,
        configured=True,
    )


def viewer_from_claims(claims: Mapping[str, Any], rules: AccessRules) -> Viewer:
    """The signed-in user's roles from their ID-token claims."""
    name = claims.get("name") or claims.get("preferred_username") or claims.get("email")
    email = claims.get("email")
    raw = claims.get(rules.claim) or []
    groups = frozenset([raw] if isinstance(raw, str) else [str(g) for g in raw])
    if not rules.configured:
        return Viewer(signed_in=True, name=name, email=email, staff=True)
    admin = bool(groups & rules.admins)
    coordinator_of = frozenset(d for d, g in rules.coordinators.items() if groups & g)
    manager = bool(groups & rules.managers)
    staff = admin or manager or bool(coordinator_of) or bool(groups & rules.staff)
    return Viewer(
        signed_in=True,
        name=name,
        email=email,
        staff=staff,
        coordinator_of=coordinator_of,
        manager=manager,
        admin=admin,
    )


def dev_viewer(text: str) -> Viewer:
    """The identity named by `LANDKORT_DEV_USER`, for development and browser tests only.

    Format: `Name <email>; coordinator=sof,bif; manager; admin` (roles optional). `ui.viewer()`
    honours it only where sign-in is not configured and the server listens on loopback only,
    so it cannot take effect on a server that others can reach.
    """
    head, *roles = [part.strip() for part in text.split(";")]
    name, sep, rest = head.partition("<")
    email = rest.rstrip(">").strip()
    if not sep or not name.strip() or "@" not in email:
        raise AccessFileError(
            "LANDKORT_DEV_USER: write it as 'Name <email>; coordinator=sof', e.g. "
            "'Test Koordinator <test@kk.dk>; coordinator=sof'"
        )
    coordinator_of: set[str] = set()
    manager = admin = False
    for role in filter(None, roles):
        key, _, value = role.partition("=")
        if key == "coordinator" and value:
            coordinator_of.update(v.strip() for v in value.split(",") if v.strip())
        elif role == "manager":
            manager = True
        elif role == "admin":
            admin = True
        else:
            raise AccessFileError(
                f"LANDKORT_DEV_USER: unknown role {role!r}: use coordinator=<department ids>, "
                "manager or admin"
            )
    return Viewer(
        signed_in=True,
        name=name.strip(),
        email=email,
        staff=True,
        coordinator_of=frozenset(coordinator_of),
        manager=manager,
        admin=admin,
    )
