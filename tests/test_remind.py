"""`landkort remind`: one Danish e-mail per owner address, at most once a day, through a real
SMTP server on a local port (aiosmtpd); the messages it delivered are read back."""

from __future__ import annotations

import datetime as dt
import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import set_clock
from test_danish_messages import english

from cli import main
from directory import load_directory
from directory.quality.health import DueUnit, by_address, due_units
from directory.quality.reminders import (
    Mailer,
    SendFailed,
    SettingProblem,
    body,
    mail_settings,
    smtp_address,
    subject,
    unit_url,
)
from directory.quality.reports import ReportStore
from directory.rules.owners import owner_address, same_address
from directory.storage import open_storage
from directory.storage import reminders as sent_log

TUESDAY = dt.datetime(2026, 11, 24, 7, 0)
BASE = "https://landkort.test"
SOF = "landkort@sof.kk.example"
JKU = "JKU@bif.kk.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler: keeps every delivered message, refuses the addresses in
    `refuse` at RCPT with 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.refuse_sender = False
        self.refuse_data = False

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.refuse_sender:
            return "553 5.7.1 Sender address rejected"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.casefold() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_data:
            return "554 5.6.0 Message rejected"
        message = email.message_from_bytes(envelope.content, policy=default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> EmailMessage:
        (found,) = [m for _, rcpt, m in self.messages if rcpt == [address]]
        return found


def text_of(message: EmailMessage) -> str:
    """The message's text as written (SMTP carries lines with CRLF)."""
    return message.get_content().replace("\r\n", "\n")


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


def with_owner_addresses(data_dir: Path) -> Path:
    """SOF keeps its units at one address; BIF's Ungecenter has its own; the rest none."""
    departments = data_dir / "departments.yaml"
    departments.write_text(
        departments.read_text(encoding="utf-8").replace(
            '    color: "#b2182b"\n', f'    color: "#b2182b"\n    owner_email: {SOF}\n'
        ),
        encoding="utf-8",
    )
    bif = data_dir / "units/bif.yaml"
    bif.write_text(
        bif.read_text(encoding="utf-8").replace(
            "    verified: 2026-07-01\n", f"    verified: 2026-07-01\n    owner_email: {JKU}\n"
        ),
        encoding="utf-8",
    )
    return data_dir


@pytest.fixture
def run_remind(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp: SmtpServer,
    capsys: pytest.CaptureFixture[str],
    app_env,
):
    """Run `landkort remind` on the small data with owner addresses (and one open report on
    sof-bcv) at a moment; returns (exit code, stdout, stderr)."""
    with_owner_addresses(data_dir)
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    monkeypatch.setenv("LANDKORT_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("LANDKORT_SMTP", f"127.0.0.1:{smtp.port}")
    monkeypatch.setenv("LANDKORT_MAIL_FROM", "landkort@kk.example")
    monkeypatch.setenv("LANDKORT_BASE_URL", BASE + "/")
    ReportStore(storage=open_storage(app_env.db)).add("sof-bcv", "Fast-track-nummeret er lukket")

    def run(*args: str, at: dt.datetime = TUESDAY) -> tuple[int, str, str]:
        set_clock(monkeypatch, at)
        code = main(["remind", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


SOF_BODY = f"""\
Hej

Du står som ansvarlig for disse 2 enheder i Kommunalt landkort, og de skal tjekkes. Ret det, \
der er forkert, på enhedens side, eller bekræft, at oplysningerne stadig passer.

1. Borgercenter Voksne (Socialforvaltningen (SOF))
   - 1 åben fejlmelding
   {BASE}/enhed?id=sof-bcv

2. Døgnvagten (Socialforvaltningen (SOF))
   - mangler kontaktperson
   {BASE}/enhed?id=sof-dognvagt

Du får denne påmindelse højst én gang om dagen, så længe en af dine enheder skal tjekkes. \
Alle enheder, der skal tjekkes, står på siden Datakvalitet: {BASE}/datakvalitet

Venlig hilsen
Kommunalt landkort
"""


def test_one_danish_email_per_owner_address_with_links(
    run_remind, smtp: SmtpServer, app_env
) -> None:
    code, out, err = run_remind()
    assert code == 0, err
    assert out == ""
    assert sorted(rcpt[0] for _, rcpt, _ in smtp.inbox.messages) == [JKU, SOF]
    sof = smtp.inbox.to(SOF)
    assert sof["Subject"] == "Kommunalt landkort: 2 enheder skal tjekkes"
    assert sof["From"] == "Kommunalt landkort <landkort@kk.example>"
    assert sof["To"] == SOF
    assert sof["Auto-Submitted"] == "auto-generated"
    assert sof["Message-ID"].endswith("@kk.example>")
    assert text_of(sof) == SOF_BODY
    jku = smtp.inbox.to(JKU)
    assert jku["Subject"] == "Kommunalt landkort: 1 enhed skal tjekkes"
    assert "Du står som ansvarlig for denne enhed i Kommunalt landkort, og den skal tjekkes." in (
        text_of(jku)
    )
    assert f"{BASE}/enhed?id=bif-jku" in text_of(jku)
    assert err.splitlines() == [
        f"{JKU}: sendt (1 enhed)",
        f"{SOF}: sendt (2 enheder)",
        "2 sendt, 0 fejlede, 0 allerede sendt i dag; 5 enheder skal tjekkes; 2 enheder uden "
        "ejeradresse (2 af dem skal tjekkes) står på siden Datakvalitet",
    ]
    assert sent_log.sent_on(open_storage(app_env.db), TUESDAY.date()) == {SOF, JKU.casefold()}


def test_units_without_an_owner_address_are_mailed_to_nobody(run_remind, smtp: SmtpServer) -> None:
    run_remind()
    everything = "\n".join(text_of(m) for _, _, m in smtp.inbox.messages)
    for unit_id in ("bif-ydelse", "stat-kif", "sof-hjemloese"):
        assert f"id={unit_id}" not in everything


def test_dry_run_prints_the_emails_and_sends_and_records_nothing(
    run_remind, smtp: SmtpServer, app_env
) -> None:
    code, out, err = run_remind("--dry-run")
    assert code == 0, err
    assert smtp.inbox.messages == []
    assert f"--- til {SOF} (2 enheder) ---" in out
    assert f"--- til {JKU} (1 enhed) ---" in out
    assert "Emne: Kommunalt landkort: 2 enheder skal tjekkes" in out
    assert SOF_BODY in out
    assert f"{BASE}/enhed?id=sof-dognvagt" in out
    assert err.splitlines()[-1] == (
        "prøvekørsel: 2 e-mails ville blive sendt; intet er sendt, 0 allerede sendt i dag; "
        "5 enheder skal tjekkes; 2 enheder uden ejeradresse (2 af dem skal tjekkes) står på "
        "siden Datakvalitet"
    )
    assert sent_log.last_sent(open_storage(app_env.db)) == {}
    code, _, _ = run_remind()  # the real run after it still sends
    assert code == 0 and len(smtp.inbox.messages) == 2


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_again(
    run_remind, smtp: SmtpServer
) -> None:
    assert run_remind()[0] == 0
    code, _, err = run_remind(at=TUESDAY.replace(hour=15))
    assert code == 0
    assert len(smtp.inbox.messages) == 2
    assert f"{SOF}: har allerede fået dagens påmindelse (2 enheder); sendes ikke igen i dag" in (
        err.splitlines()
    )
    assert err.splitlines()[-1].startswith("0 sendt, 0 fejlede, 2 allerede sendt i dag;")
    code, _, _ = run_remind(at=TUESDAY + dt.timedelta(days=1))
    assert code == 0 and len(smtp.inbox.messages) == 4


def test_a_refused_recipient_is_reported_and_the_others_are_sent(
    run_remind, smtp: SmtpServer, app_env
) -> None:
    smtp.inbox.refuse = {JKU.casefold()}
    code, _, err = run_remind()
    assert code == 1
    assert [rcpt for _, rcpt, _ in smtp.inbox.messages] == [[SOF]]
    assert (
        f"fejl: {JKU}: e-mail-serveren 127.0.0.1:{smtp.port} afviste modtageren (550 5.1.1 "
        "Mailbox unavailable): ret owner_email i data, eller tjek adressen med "
        "e-mail-serverens ejer; prøves igen ved næste kørsel"
    ) in err.splitlines()
    assert err.splitlines()[-1].startswith("1 sendt, 1 fejlede, 0 allerede sendt i dag;")
    assert sent_log.sent_on(open_storage(app_env.db), TUESDAY.date()) == {
        SOF
    }  # not the refused one
    smtp.inbox.refuse = set()
    code, _, err = run_remind(at=TUESDAY.replace(hour=8))  # the next run tries it again
    assert code == 0
    assert [rcpt for _, rcpt, _ in smtp.inbox.messages] == [[SOF], [JKU]]


def test_a_server_that_is_down_is_reported_per_address_and_tried_next_run(
    run_remind, smtp: SmtpServer, app_env
) -> None:
    smtp.stop()
    code, out, err = run_remind()
    assert code == 1
    lines = err.splitlines()
    for address in (JKU, SOF):
        assert (
            f"fejl: {address}: e-mail-serveren 127.0.0.1:{smtp.port} kan ikke nås (forbindelsen "
            "blev afvist): tjek LANDKORT_SMTP, og at serveren kører; prøves igen ved næste kørsel"
        ) in lines
    assert lines[-1].startswith("0 sendt, 2 fejlede, 0 allerede sendt i dag;")
    assert [line for line in lines if english(line)] == []
    assert sent_log.last_sent(open_storage(app_env.db)) == {}  # nothing recorded as sent
    smtp.start()
    code, _, err = run_remind(at=TUESDAY.replace(hour=8))
    assert code == 0, err
    assert sorted(rcpt[0] for _, rcpt, _ in smtp.inbox.messages) == [JKU, SOF]


def test_a_refused_sender_or_message_is_reported_word_for_word(
    run_remind, smtp: SmtpServer, app_env
) -> None:
    smtp.inbox.refuse_sender = True
    code, _, err = run_remind()
    assert code == 1 and smtp.inbox.messages == []
    assert (
        f"fejl: {SOF}: e-mail-serveren 127.0.0.1:{smtp.port} afviste afsenderen "
        "landkort@kk.example (553 5.7.1 Sender address rejected): ret LANDKORT_MAIL_FROM; "
        "prøves igen ved næste kørsel"
    ) in err.splitlines()
    smtp.inbox.refuse_sender, smtp.inbox.refuse_data = False, True
    code, _, err = run_remind(at=TUESDAY.replace(hour=8))
    assert code == 1 and smtp.inbox.messages == []
    assert (
        f"fejl: {SOF}: e-mail-serveren 127.0.0.1:{smtp.port} tog ikke imod e-mailen (554 5.6.0 "
        "Message rejected); prøves igen ved næste kørsel"
    ) in err.splitlines()
    assert sent_log.last_sent(open_storage(app_env.db)) == {}


def scripted_server(replies: list[bytes]) -> tuple[int, threading.Thread]:
    """A one-connection SMTP server that sends `replies` one at a time (the first on
    connect, each next after a line from the client), then closes the connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        connection, _ = listener.accept()
        with connection, listener, connection.makefile("rb") as lines:
            for n, reply in enumerate(replies):
                if n:
                    lines.readline()
                connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return int(listener.getsockname()[1]), thread


@pytest.mark.parametrize(
    ("replies", "why"),
    [
        (
            [b"554 5.3.2 Not accepting connections\r\n"],
            "e-mail-serveren {where} tager ikke imod forbindelser (554 5.3.2 Not accepting "
            "connections): tjek LANDKORT_SMTP, og at serveren kører; prøves igen ved næste kørsel",
        ),
        (
            [b"220 smtp.test ESMTP\r\n", b"250 smtp.test\r\n"],  # then it hangs up
            "forbindelsen til e-mail-serveren {where} blev afbrudt (serveren lukkede "
            "forbindelsen); prøves igen ved næste kørsel",
        ),
    ],
    ids=["bad-greeting", "hangs-up"],
)
def test_a_server_that_will_not_talk_is_reported_word_for_word(
    replies: list[bytes], why: str
) -> None:
    port, thread = scripted_server(replies)
    mailer = Mailer("127.0.0.1", port, timeout=5)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@kk.example", SOF, "x"
    message.set_content("x")
    with pytest.raises(SendFailed) as failed:
        mailer.send(message)
    thread.join(5)
    assert str(failed.value) == why.format(where=f"127.0.0.1:{port}")
    assert english(str(failed.value).split("(")[0]) == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"LANDKORT_BASE_URL": ""},
            "fejl: LANDKORT_BASE_URL='' er ikke appens adresse: sæt den til den adresse, "
            "medarbejderne åbner landkortet på, fx https://landkort.intra.kk.dk, så linkene i "
            "e-mailene virker",
        ),
        (
            {"LANDKORT_BASE_URL": "landkort.intra.kk.dk"},
            "fejl: LANDKORT_BASE_URL='landkort.intra.kk.dk' er ikke appens adresse: sæt den til "
            "den adresse, medarbejderne åbner landkortet på, fx https://landkort.intra.kk.dk, så "
            "linkene i e-mailene virker",
        ),
        (
            {"LANDKORT_MAIL_FROM": ""},
            "fejl: LANDKORT_MAIL_FROM='' er ikke en afsenderadresse: sæt den til den adresse, "
            "påmindelserne sendes fra, fx landkort@kk.dk",
        ),
        (
            {"LANDKORT_SMTP": "smtp.intra:post"},
            "fejl: LANDKORT_SMTP='smtp.intra:post' er ikke en e-mail-server: skriv vært:port, fx "
            "smtp.intra.kk.dk:25",
        ),
    ],
)
def test_a_wrong_setting_names_the_fix_and_sends_nothing(
    run_remind, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch, env: dict, message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = run_remind()
    assert code == 1
    assert err.splitlines() == [message]
    assert english(message) == []
    assert smtp.inbox.messages == []


def test_a_dry_run_needs_no_mail_server_or_sender(
    run_remind, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANDKORT_MAIL_FROM", "")
    monkeypatch.setenv("LANDKORT_SMTP", "ikke en server")
    code, out, _ = run_remind("--dry-run")
    assert code == 0 and "Fra: (LANDKORT_MAIL_FROM er ikke sat)\n" in out


def test_data_with_errors_sends_nothing(run_remind, smtp: SmtpServer, data_dir: Path) -> None:
    (data_dir / "units/stat.yaml").write_text("units:\n  - id: stat-kif\n", encoding="utf-8")
    code, _, err = run_remind()
    assert code == 1
    assert smtp.inbox.messages == []
    assert err.splitlines()[-1] == (
        f"fejl: 3 fejl i data i {data_dir}: ret dem (se dem alle med `python -m directory "
        "validate`), og prøv igen"
    )


# -- the rules under the command ---------------------------------------------------------


def test_the_owner_address_is_the_unit_s_else_its_department_s(data_dir: Path) -> None:
    directory = load_directory(with_owner_addresses(data_dir))
    assert owner_address(directory, directory.units["bif-jku"]) == JKU
    assert owner_address(directory, directory.units["sof-dognvagt"]) == SOF
    assert owner_address(directory, directory.units["bif-ydelse"]) is None
    assert same_address(" jku@BIF.kk.example", JKU)
    assert not same_address(None, JKU) and not same_address("", "")


def test_due_units_use_the_staleness_reports_and_missing_fields_rules(data_dir: Path) -> None:
    directory = load_directory(with_owner_addresses(data_dir))
    from directory.quality.reports import Report

    report = Report("r1", "sof-hjemloese", "Forkert nummer", "2026-11-20T10:00:00+01:00")
    due = {u.unit_id: u for u in due_units(directory, TUESDAY.date(), [report])}
    assert set(due) == {"sof-hjemloese", "sof-dognvagt", "bif-jku", "bif-ydelse", "stat-kif"}
    assert due["sof-hjemloese"].reasons() == ["1 åben fejlmelding"]
    assert due["bif-ydelse"].reasons() == [
        "sidst kontrolleret 10.01.2024, for mere end 12 måneder siden",
        "mangler kontaktperson, åbningstid, adresse",
    ]
    assert list(by_address(due.values())) == [JKU, SOF]  # one mailbox whatever its case


def test_the_email_text_for_one_unit() -> None:
    unit = DueUnit("x-1", "Enheden", "sof", SOF, open_reports=2)
    assert subject(1) == "Kommunalt landkort: 1 enhed skal tjekkes"
    text = body([unit], BASE, lambda d: d.upper())
    assert "1. Enheden (SOF)\n   - 2 åbne fejlmeldinger\n   https://landkort.test/enhed?id=x-1" in (
        text
    )
    assert unit_url(BASE + "/", "a b") == "https://landkort.test/enhed?id=a%20b"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("smtp.intra:2525", ("smtp.intra", 2525)),
        ("smtp.intra", ("smtp.intra", 25)),
        ("[::1]:25", ("::1", 25)),
        ("[::1]", ("::1", 25)),
    ],
)
def test_smtp_address(value: str, expected: tuple[str, int]) -> None:
    assert smtp_address(value) == expected


def test_mail_settings_check_every_value() -> None:
    assert mail_settings("h:25", "a@b.dk", "https://x.dk/").base_url == "https://x.dk"
    with pytest.raises(SettingProblem):
        smtp_address("h:70000")
    with pytest.raises(SettingProblem):
        mail_settings("h:25", "ikke-en-adresse", "https://x.dk")


# -- the database record: at most once a day, also with two runs at once ---------------------


def test_an_address_is_claimed_by_one_run_only(db_url: str) -> None:
    storage = open_storage(db_url)
    day = TUESDAY.date()
    assert sent_log.claim(storage, SOF, day)
    assert not sent_log.claim(storage, SOF.upper(), day)  # another run, the same mailbox
    sent_log.release(storage, SOF, day)  # the send failed: the next run may try
    assert sent_log.claim(storage, SOF, day)
    sent_log.mark_sent(storage, SOF, day, 3)
    assert not sent_log.claim(storage, SOF, day)
    assert sent_log.sent_on(storage, day) == {SOF}
    assert sent_log.claim(storage, SOF, day + dt.timedelta(days=1))  # a new day


def test_a_dead_run_s_claim_is_taken_over_after_a_while(db_url: str) -> None:
    storage = open_storage(db_url)
    day = TUESDAY.date()
    start = dt.datetime(2026, 11, 24, 6, 0)
    assert sent_log.claim(storage, JKU, day, now=start)
    assert not sent_log.claim(storage, JKU, day, now=start + dt.timedelta(minutes=5))
    later = start + sent_log.CLAIM_EXPIRES + dt.timedelta(minutes=1)
    assert sent_log.claim(storage, JKU, day, now=later)
    assert sent_log.sent_on(storage, day) == set()  # a claim is not a send


def test_old_rows_are_purged(db_url: str) -> None:
    storage = open_storage(db_url)
    old = TUESDAY.date() - dt.timedelta(days=sent_log.KEEP_DAYS)
    assert sent_log.claim(storage, SOF, old)
    sent_log.mark_sent(storage, SOF, old, 1)
    assert sent_log.purge(storage, TUESDAY.date()) == 1
    assert sent_log.last_sent(storage) == {}


def _claim_and_send(url: str, worker: int) -> None:
    """One of several runs at once (separate processes, as on several servers): each tries
    to claim the same addresses; what it wins it "sends" (writes down) and marks sent."""
    import os

    storage = open_storage(url)
    sent = Path(os.environ["REMIND_TEST_SENT"]) / f"{worker}.txt"
    for n in range(20):
        address = f"ejer{n}@kk.example"
        if sent_log.claim(storage, address, TUESDAY.date()):
            with sent.open("a", encoding="utf-8") as out:
                out.write(address + "\n")
            sent_log.mark_sent(storage, address, TUESDAY.date(), worker + 1)


def test_several_runs_at_once_send_each_address_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testkit.pg_support import run_writers

    monkeypatch.setenv("REMIND_TEST_SENT", str(tmp_path))
    open_storage(db_url)  # migrated once, before the runs start
    assert run_writers(_claim_and_send, db_url, workers=4) == [0, 0, 0, 0]
    sent = [line for f in tmp_path.glob("*.txt") for line in f.read_text().splitlines()]
    assert sorted(sent) == sorted(f"ejer{n}@kk.example" for n in range(20))  # each once
    assert len(sent_log.sent_on(open_storage(db_url), TUESDAY.date())) == 20
