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
here: `ui.auth.viewer()` builds a `Viewer` from `st.user` with `viewer_from_claims`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from directory.loading.safefile import os_reason
from directory.loading.yamltree import syntax_message


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
    """The access file cannot be used; the message (in Danish: an administrator reads it in
    the app) says `file:line:` what is wrong and how to fix it."""


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
_KEYS = ("claim", "staff", "coordinators", "managers", "admins", "public")


def _key_lines(node: yaml.Node | None) -> tuple[dict[str, int], dict[str, int]]:
    """1-based lines of the top-level keys and of the keys under `coordinators`."""
    top: dict[str, int] = {}
    nested: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            top.setdefault(str(key.value), key.start_mark.line + 1)
            if key.value == "coordinators" and isinstance(value, yaml.MappingNode):
                for sub, _ in value.value:
                    nested.setdefault(str(sub.value), sub.start_mark.line + 1)
    return top, nested


def _duplicate(node: yaml.Node | None) -> tuple[str, int] | None:
    """The first key that appears twice in one mapping (PyYAML would keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                return str(key.value), key.start_mark.line + 1
            seen.add(key.value)
            found = _duplicate(value)
            if found:
                return found
    return None


def load_access(path: str | Path | None) -> AccessRules:
    """The rules of the access file at `path`; `NO_ACCESS_FILE` when path is None.

    Raises `AccessFileError` with `file:line: problem: fix` for anything it cannot use."""
    if path is None:
        return NO_ACCESS_FILE
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise AccessFileError(
            f"{name}:1: adgangsfilen kan ikke læses ({os_reason(exc)}): "
            "ret stien i LANDKORT_ACCESS, eller fjern indstillingen"
        ) from exc
    except UnicodeDecodeError as exc:
        raise AccessFileError(f"{name}:1: adgangsfilen er ikke UTF-8: gem den som UTF-8") from exc
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise AccessFileError(
            f"{name}:{line}: YAML-syntaksfejl: {syntax_message(getattr(exc, 'problem', None))} "
            "(se README om adgangsfilen)"
        ) from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise AccessFileError(
            f"{name}:1: adgangsfilen skal være nøgler og værdier (claim:, staff:, …), "
            "se README om adgangsfilen"
        )
    dup = _duplicate(node)
    if dup:
        raise AccessFileError(
            f"{name}:{dup[1]}: nøglen '{dup[0]}' står to gange: slet den ene, eller slå dem sammen"
        )
    top, nested = _key_lines(node)

    def fail(key: str, message: str, sub: str | None = None) -> AccessFileError:
        line = nested.get(sub, top.get(key, 1)) if sub is not None else top.get(key, 1)
        return AccessFileError(f"{name}:{line}: {message}")

    for key in raw:
        if key not in _KEYS:
            raise fail(str(key), f"ukendt nøgle '{key}': brug {', '.join(_KEYS)}")

    def groups(key: str, value: Any, sub: str | None = None) -> frozenset[str]:
        if value is None:
            return frozenset()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            label = f"coordinators.{sub}" if sub is not None else key
            raise fail(key, f"'{label}' skal være en liste af gruppenavne, fx [kk-ledere]", sub)
        return frozenset(value)

    claim = raw.get("claim", "groups")
    if not isinstance(claim, str) or not claim:
        raise fail("claim", "'claim' skal være navnet på ID-tokenets claim med grupper, fx groups")
    public = raw.get("public", False)
    if not isinstance(public, bool):
        raise fail("public", "'public' skal være true eller false")
    coordinators = raw.get("coordinators") or {}
    if not isinstance(coordinators, dict):
        raise fail(
            "coordinators",
            "'coordinators' skal have en forvaltnings-id pr. linje med en liste af grupper, "
            "fx sof: [kk-sof-redaktion]",
        )
    return AccessRules(
        claim=claim,
        staff=groups("staff", raw.get("staff")),
        coordinators={
            str(dept): groups("coordinators", value, str(dept))
            for dept, value in coordinators.items()
        },
        managers=groups("managers", raw.get("managers")),
        admins=groups("admins", raw.get("admins")),
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


# -- where a request comes from ------------------------------------------------------------
# Without sign-in, the staff view is for the person at a loopback-bound server only: a
# request that came through a proxy, or that names another host (DNS rebinding: a page of
# `attacker.example` whose name now resolves to 127.0.0.1), is not that person.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def host_name(host: str | None) -> str | None:
    """The host name of a Host header, lower case, without port or trailing dot
    (`127.0.0.1:8501` -> `127.0.0.1`, `[::1]:8501` -> `::1`); None when the header is missing
    or is not a plain `host[:port]`."""
    if not host:
        return None
    try:
        parsed = urlsplit(f"//{host.strip()}")
        _ = parsed.port  # a port that is not a number in range: not a Host
    except ValueError:
        return None
    name = parsed.hostname
    if not name or parsed.username is not None or parsed.password is not None:
        return None
    if parsed.path or parsed.query or parsed.fragment:
        return None
    return name.lower().rstrip(".")


def is_loopback_name(name: str | None) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1)."""
    if not name:
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_hosts(setting: str | None, *, loopback_bound: bool) -> tuple[str, ...] | None:
    """The host names the server answers to (`LANDKORT_ALLOWED_HOSTS`): the setting's names,
    separated by commas or spaces (`*.intra.kk.dk` for every subdomain, `*` for any); unset:
    the loopback names when the server is bound to loopback, else None (any name)."""
    names = tuple(n.strip().lower().rstrip(".") for n in re.split(r"[,\s]+", setting or "") if n)
    if names:
        return names
    return LOOPBACK_NAMES if loopback_bound else None


def host_allowed(host: str | None, allowed: tuple[str, ...] | None) -> bool:
    """Whether a request's Host header names one of the allowed hosts (None: any)."""
    if allowed is None:
        return True
    name = host_name(host)
    if name is None:
        return False
    for pattern in allowed:
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def local_request(headers: Mapping[str, str]) -> bool:
    """Whether a request came straight from this machine: no proxy header (`Forwarded`,
    `X-Forwarded-For`, …) and a loopback name in `Host`. No headers at all (a script run
    without a browser, as in AppTest) counts as local; a request always has a Host."""
    lower = {key.lower(): value for key, value in headers.items()}
    if not lower:
        return True
    if any(name in lower for name in PROXY_HEADERS):
        return False
    return is_loopback_name(host_name(lower.get("host")))
