"""Reminders to the people who keep the data: one Danish e-mail per owner address, listing
its units that are due for review (`landkort remind`).

A unit is **due for review** when, by the rules Datakvalitet shows (one home each):

- it, one of its contacts or one of its referrals out is stale (`directory.rules.staleness`);
- it has open "Meld en fejl" reports (`directory.quality.reports`);
- it lacks a phone, a contact, opening hours or an address (`health.missing_fields`).

Its reminder goes to its owner address (`directory.rules.owners.owner_address`: the unit's
`owner_email`, else its department's). A unit with no owner address is listed on
Datakvalitet and mailed to nobody else. Each address gets at most one e-mail a day
(`directory.storage.reminders`: recorded in the app's database, so a second run or a second
server sends nothing twice); a failed send is reported and tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from urllib.parse import quote, urlsplit

from directory.loading.safefile import os_reason
from directory.model import EMAIL, Directory
from directory.quality.health import DueUnit, by_address
from directory.rules import clock
from directory.rules.clock import COPENHAGEN
from directory.rules.owners import address_key
from directory.storage import Storage
from directory.storage import reminders as sent_log

APP_NAME = "Kommunalt landkort"
SMTP_TIMEOUT_S = 30.0
RETRY_DA = "prøves igen ved næste kørsel"


class SettingProblem(ValueError):
    """A mail setting cannot be used; the message (Danish) names the setting and the fix."""


# -- the e-mail ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailSettings:
    """Where and how reminders are sent (from LANDKORT_SMTP, _MAIL_FROM and _BASE_URL)."""

    host: str
    port: int
    mail_from: str
    base_url: str


def smtp_address(value: str | None) -> tuple[str, int]:
    """`host:port` (or `host`, port 25; `[::1]:25` for IPv6) as (host, port)."""
    text = (value or "").strip()
    host, sep, port = text.rpartition(":")
    if not sep or "]" in port:
        host, port = text, "25"
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingProblem(
            f"LANDKORT_SMTP={text!r} er ikke en e-mail-server: skriv vært:port, fx "
            "smtp.intra.kk.dk:25"
        )
    return host, int(port)


def mail_settings(
    smtp: str | None, mail_from: str | None, base_url: str | None, *, sending: bool = True
) -> MailSettings:
    """The settings checked: a problem raises `SettingProblem` naming the fix. Without
    `sending` (a dry run), only the base URL must be right."""
    url = (base_url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingProblem(
            f"LANDKORT_BASE_URL={base_url or ''!r} er ikke appens adresse: sæt den til den "
            "adresse, medarbejderne åbner landkortet på, fx https://landkort.intra.kk.dk, så "
            "linkene i e-mailene virker"
        )
    sender = (mail_from or "").strip()
    if sending and not EMAIL.fullmatch(sender):
        raise SettingProblem(
            f"LANDKORT_MAIL_FROM={mail_from or ''!r} er ikke en afsenderadresse: sæt den til "
            "den adresse, påmindelserne sendes fra, fx landkort@kk.dk"
        )
    host, port = smtp_address(smtp) if sending else ("", 0)
    return MailSettings(host, port, sender, url)


def unit_url(base_url: str, unit_id: str) -> str:
    """The unit's page in the app: `<base>/enhed?id=<id>`."""
    return f"{base_url.rstrip('/')}/enhed?id={quote(unit_id)}"


def subject(units: int) -> str:
    return f"{APP_NAME}: {units} {'enhed skal' if units == 1 else 'enheder skal'} tjekkes"


def body(units: list[DueUnit], base_url: str, department_name: Callable[[str], str]) -> str:
    """The e-mail's text (plain, Danish)."""
    one = len(units) == 1
    lines = [
        "Hej",
        "",
        f"Du står som ansvarlig for {'denne enhed' if one else f'disse {len(units)} enheder'} i "
        f"{APP_NAME}, og {'den' if one else 'de'} skal tjekkes. Ret det, der er forkert, på "
        "enhedens side, eller bekræft, at oplysningerne stadig passer.",
        "",
    ]
    for number, unit in enumerate(units, start=1):
        lines.append(f"{number}. {unit.name} ({department_name(unit.department)})")
        lines += [f"   - {reason}" for reason in unit.reasons()]
        lines += [f"   {unit_url(base_url, unit.unit_id)}", ""]
    lines += [
        "Du får denne påmindelse højst én gang om dagen, så længe en af dine enheder skal "
        f"tjekkes. Alle enheder, der skal tjekkes, står på siden Datakvalitet: "
        f"{base_url.rstrip('/')}/datakvalitet",
        "",
        "Venlig hilsen",
        APP_NAME,
    ]
    return "\n".join(lines) + "\n"


def message(
    address: str,
    units: list[DueUnit],
    settings: MailSettings,
    department_name: Callable[[str], str],
    *,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The reminder to one owner address."""
    msg = EmailMessage()
    if settings.mail_from:  # a dry run may go without
        msg["From"] = f"{APP_NAME} <{settings.mail_from}>"
    msg["To"] = address
    msg["Subject"] = subject(len(units))
    msg["Date"] = format_datetime(now or clock.instant().astimezone(COPENHAGEN))
    domain = settings.mail_from.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid("landkort", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    msg.set_content(body(units, settings.base_url, department_name))
    return msg


# -- sending ------------------------------------------------------------------------------------


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY = "already"  # sent today already (by this or another run)
    FAILED = "failed"
    DRY_RUN = "dry_run"  # printed, not sent


@dataclass(frozen=True)
class Sent:
    """What happened to one address's reminder; `why` says it in Danish when it failed."""

    address: str
    units: int
    outcome: Outcome
    why: str = ""
    message: EmailMessage | None = None


class SendFailed(Exception):
    """One e-mail was not sent; the message says why in Danish. `server_down`: the server
    could not be reached at all."""

    def __init__(self, why: str, *, server_down: bool = False) -> None:
        super().__init__(why)
        self.server_down = server_down


def _smtp_text(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(said.split())}".strip()


@dataclass
class Mailer:
    """One SMTP connection to the e-mail server, opened when first needed and opened again
    after a failure. No login and no TLS: an intranet relay that accepts the app's mail."""

    host: str
    port: int
    timeout: float = SMTP_TIMEOUT_S
    _smtp: smtplib.SMTP | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def send(self, msg: EmailMessage) -> None:
        """Send one message, or raise `SendFailed` (the connection is dropped then)."""
        try:
            if self._smtp is None:
                self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            refused = [_smtp_text(code, text) for code, text in exc.recipients.values()]
            raise SendFailed(
                f"e-mail-serveren {self.where} afviste modtageren ({'; '.join(refused)}): ret "
                f"owner_email i data, eller tjek adressen med e-mail-serverens ejer; {RETRY_DA}"
            ) from exc
        except smtplib.SMTPSenderRefused as exc:
            self.close()
            raise SendFailed(
                f"e-mail-serveren {self.where} afviste afsenderen {exc.sender} "
                f"({_smtp_text(exc.smtp_code, exc.smtp_error)}): ret LANDKORT_MAIL_FROM; {RETRY_DA}"
            ) from exc
        except smtplib.SMTPConnectError as exc:  # it answered, but not with a greeting
            self.close()
            raise SendFailed(
                f"e-mail-serveren {self.where} tager ikke imod forbindelser "
                f"({_smtp_text(exc.smtp_code, exc.smtp_error)}): tjek LANDKORT_SMTP, og at "
                f"serveren kører; {RETRY_DA}",
                server_down=True,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise SendFailed(
                f"e-mail-serveren {self.where} tog ikke imod e-mailen "
                f"({_smtp_text(exc.smtp_code, exc.smtp_error)}); {RETRY_DA}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            connected = self._smtp is not None
            self.close()
            if not connected:
                raise SendFailed(
                    f"e-mail-serveren {self.where} kan ikke nås ({_reason(exc)}): tjek "
                    f"LANDKORT_SMTP, og at serveren kører; {RETRY_DA}",
                    server_down=True,
                ) from exc
            raise SendFailed(
                f"forbindelsen til e-mail-serveren {self.where} blev afbrudt ({_reason(exc)}); "
                f"{RETRY_DA}"
            ) from exc

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _reason(exc: BaseException) -> str:
    """Why the e-mail server could not be used, in Danish."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "serveren lukkede forbindelsen"
    if isinstance(exc, ConnectionRefusedError):
        return "forbindelsen blev afvist"
    if isinstance(exc, socket.gaierror):
        return "værtsnavnet kan ikke slås op"
    if isinstance(exc, TimeoutError):
        return f"intet svar inden for {SMTP_TIMEOUT_S:.0f} sekunder"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return " ".join(str(exc).split()) or type(exc).__name__


def send_reminders(
    directory: Directory,
    due: Iterable[DueUnit],
    settings: MailSettings,
    storage: Storage,
    day: dt.date,
    *,
    dry_run: bool = False,
    mailer: Mailer | None = None,
    department_name: Callable[[str], str] | None = None,
) -> list[Sent]:
    """One reminder per owner address with units due, at most once a `day` per address.

    Each address is claimed in the database before its e-mail is sent, recorded as sent
    once the e-mail server took it, and released when the send failed (the next run tries
    again). A refused recipient fails that address alone; an e-mail server that cannot be
    reached fails every address left (each reported). `dry_run` sends and records nothing:
    the messages are returned to print."""
    name = department_name or (
        lambda d: directory.departments[d].label if d in directory.departments else d
    )
    grouped = by_address(due)
    done = sent_log.sent_on(storage, day)
    out: list[Sent] = []
    mail = mailer or Mailer(settings.host, settings.port)
    down: str | None = None  # why the server cannot be reached, once it could not be
    try:
        for address, units in grouped.items():
            msg = message(address, units, settings, name)
            if address_key(address) in done:
                out.append(Sent(address, len(units), Outcome.ALREADY))
                continue
            if dry_run:
                out.append(Sent(address, len(units), Outcome.DRY_RUN, message=msg))
                continue
            if down is not None:
                out.append(Sent(address, len(units), Outcome.FAILED, down))
                continue
            if not sent_log.claim(storage, address, day):
                out.append(Sent(address, len(units), Outcome.ALREADY))
                continue
            try:
                mail.send(msg)
            except SendFailed as exc:
                sent_log.release(storage, address, day)
                out.append(Sent(address, len(units), Outcome.FAILED, str(exc)))
                if exc.server_down:
                    down = str(exc)
                continue
            sent_log.mark_sent(storage, address, day, len(units))
            out.append(Sent(address, len(units), Outcome.SENT, message=msg))
    finally:
        mail.close()
    if not dry_run:
        sent_log.purge(storage, day)
    return out
