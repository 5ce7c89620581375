"""The `crm` command: user creation, checks, `crm run` end to end, and refusing to start on a
failed migration."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from crm import create_app
from crm.extensions import db
from crm.models import Team, User
from crm.services import auth
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "e2e-admin-password-123"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        db.session.remove()
        return user


def _create(runner, *extra: str, email: str = "cli@test.qiao", password: str = "long-password-1"):
    return runner.invoke(args=["user", "create", "--email", email, "--password", password,
                               *extra])


# --- crm user create ---------------------------------------------------------------------

def test_user_create_makes_the_team_by_name(app, runner):
    result = _create(runner, "--role", "manager", "--team", "North", "--name", "Mei")
    assert result.exit_code == 0, result.output
    assert "Created manager cli@test.qiao in team North" in result.output
    user = _user(app, "cli@test.qiao")
    assert (user.role, user.name, user.is_active) == ("manager", "Mei", True)
    assert auth.verify_password(user.password_hash, "long-password-1")

    again = _create(runner, "--role", "rep", "--team", "north", email="two@test.qiao")
    assert again.exit_code == 0, again.output
    with app.app_context():
        teams = db.session.scalars(select(Team)).all()
        assert [t.name for t in teams] == ["North"]  # found by name, not created twice
        db.session.remove()
    assert _user(app, "two@test.qiao").team_id == user.team_id


def test_user_create_validates_the_role(app, runner):
    result = _create(runner, "--role", "superuser")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    assert _user(app, "cli@test.qiao") is None


def test_user_create_refuses_a_short_password(app, runner):
    result = _create(runner, "--role", "rep", password="short")
    assert result.exit_code == 2
    assert "use at least 10 characters" in result.output
    assert _user(app, "cli@test.qiao") is None


def test_user_create_refuses_a_duplicate_email(app, runner):
    assert _create(runner, "--role", "rep").exit_code == 0
    result = _create(runner, "--role", "admin", email="CLI@test.qiao")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert _user(app, "cli@test.qiao").role == "rep"


# --- crm user set-password --------------------------------------------------------------

def _audit_summaries(app) -> list[str]:
    from crm.models import AuditLog

    with app.app_context():
        rows = db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "admin"))
        found = [s for s in rows if s]
        db.session.remove()
        return found


def test_set_password_prompts_twice_and_is_audited(app, runner):
    assert _create(runner, "--role", "admin").exit_code == 0
    result = runner.invoke(args=["user", "set-password", "--email", "CLI@test.qiao"],
                           input="brand-new-secret-1\nbrand-new-secret-1\n")
    assert result.exit_code == 0, result.output
    assert "New password set for cli@test.qiao" in result.output
    user = _user(app, "cli@test.qiao")
    assert auth.verify_password(user.password_hash, "brand-new-secret-1")
    assert not auth.verify_password(user.password_hash, "long-password-1")
    assert any("crm user set-password" in s and "cli@test.qiao" in s
               for s in _audit_summaries(app))


def test_set_password_generate_prints_it_once(app, runner):
    assert _create(runner, "--role", "admin").exit_code == 0
    result = runner.invoke(args=["user", "set-password", "--email", "cli@test.qiao",
                                 "--generate"])
    assert result.exit_code == 0, result.output
    printed = re.search(r"Password \(shown once\): (\S+)", result.output).group(1)
    assert result.output.count(printed) == 1
    assert auth.verify_password(_user(app, "cli@test.qiao").password_hash, printed)


def test_set_password_refuses_unknown_email_and_short_password(app, runner):
    result = runner.invoke(args=["user", "set-password", "--email", "nobody@test.qiao",
                                 "--generate"])
    assert result.exit_code == 1
    assert "No user has the email nobody@test.qiao" in result.output
    assert _create(runner, "--role", "admin").exit_code == 0
    result = runner.invoke(args=["user", "set-password", "--email", "cli@test.qiao"],
                           input="short\nshort\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert auth.verify_password(_user(app, "cli@test.qiao").password_hash, "long-password-1")


# --- crm check ---------------------------------------------------------------------------

def test_check_passes(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    for name in ("database", "migrations", "redis", "secret key"):
        assert re.search(rf"^ok\s+{name}:", result.output, re.M), result.output
    assert "FAIL" not in result.output


def test_check_fails_when_redis_is_down(app):
    other = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "CRM": {"REDIS_URL": "redis://127.0.0.1:1", "SECRET_KEY": SECRET},
    })
    result = other.test_cli_runner().invoke(args=["check"])
    with other.app_context():
        db.engine.dispose()
    assert result.exit_code == 1
    assert re.search(r"^FAIL\s+redis:", result.output, re.M), result.output
    assert "1 check(s) failed" in result.output


# --- processes ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(instance: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update(CRM_INSTANCE_PATH=str(instance), CRM_ADMIN_PASSWORD=ADMIN_PASSWORD,
               PYTHONUNBUFFERED="1")
    if database_url:
        env["CRM_DATABASE_URL"] = database_url
    return env


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _processes_in(folder: Path) -> list[int]:
    """Processes whose working directory is `folder` (the embedded redis-server's is)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _kill_tree(proc: subprocess.Popen, instance: Path) -> None:
    """Leave nothing behind when the test failed half way."""
    for pid in _descendants(proc.pid) | {proc.pid}:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(10)
    for pid in _processes_in(instance):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _get(opener, url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read().decode()


def _wait_ready(proc, base: str, log: Path, timeout: float = 60) -> None:
    opener = urllib.request.build_opener()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"crm exited early:\n{log.read_text()}"
        try:
            if _get(opener, base + "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"/readyz was not 200 within {timeout} s:\n{log.read_text()}")


def _sign_in(base: str, log: Path, email: str = "admin@example.com",
             password: str = ADMIN_PASSWORD) -> tuple[urllib.request.OpenerDirector, str]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    status, _, page = _get(opener, base + "/login")
    assert status == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert token, page
    status, final_url, home = _get(opener, base + "/login", {
        "csrf_token": token.group(1), "email": email, "password": password})
    assert status == 200, log.read_text()
    assert urllib.parse.urlsplit(final_url).path == "/", log.read_text()
    return opener, home


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _no_request_state_leaks(opener, base: str) -> None:
    """Every request gets its own context: the admin is always signed in, and a client
    without cookies is never taken for the admin, whichever web worker answers."""
    cookies = next(h for h in opener.handlers
                   if isinstance(h, urllib.request.HTTPCookieProcessor))
    admin = urllib.request.build_opener(cookies, _NoRedirect)
    anonymous = urllib.request.build_opener(_NoRedirect)
    for _ in range(8):
        status, _, page = _get(admin, base + "/admin/users")
        assert status == 200 and "admin@example.com" in page
        status, _, page = _get(anonymous, base + "/admin/users")
        assert status == 302 and "admin@example.com" not in page


def _dd(html: str, dd_id: str) -> str:
    match = re.search(rf'<dd id="{dd_id}"[^>]*>(.*?)</dd>', html, re.S)
    return match.group(1) if match else ""


def _wait_for_worker_heartbeat(opener, base: str, log: Path, timeout: float = 30) -> None:
    """The clock ticks at start; the worker runs its heartbeat job; the System page shows
    both (a time has digits, "never" in any language has none)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, page = _get(opener, base + "/admin/system")
        assert status == 200
        if ('class="ok"' in _dd(page, "workers")
                and re.search(r"\d", _dd(page, "worker-heartbeat"))
                and re.search(r"\d", _dd(page, "clock-tick"))):
            return
        time.sleep(0.5)
    pytest.fail(f"no worker heartbeat on the System page within {timeout} s:\n"
                f"{log.read_text()}")


@pytest.mark.reliability  # starts the real processes: about 10 s
def test_crm_run_serves_signs_in_and_stops_every_process_on_ctrl_c(app, tmp_path):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    database_url = uri if uri.startswith("postgresql") else None
    instance = tmp_path / "instance"
    port = _free_port()
    log = tmp_path / "crm-run.log"
    with log.open("w") as out:
        # Own process group, so a failed test can clean up the whole tree; SIGINT as a
        # terminal delivers it (a background launcher may have set it to "ignore").
        proc = subprocess.Popen([sys.executable, "-m", "crm", "run", "--port", str(port),
                                 "--demo"],
                                cwd=ROOT, env=_env(instance, database_url), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(proc, base, log)
        opener, home = _sign_in(base, log)
        assert "Administrator" in home and "/logout" in home
        if database_url is None:
            assert (instance / "crm.sqlite3").is_file()
        _no_request_state_leaks(opener, base)
        _wait_for_worker_heartbeat(opener, base, log)
        block = _start_block(log)
        assert f"Qiao CRM is running at {base}" in block
        assert "First administrator: admin@example.com" in block
        assert "Password: the one in CRM_ADMIN_PASSWORD" in block
        demo_password = re.search(r"each with the password: (\S+)", block).group(1)
        for role, email in (("manager", "manager.east@demo.qiao"), ("rep", "rep.li@demo.qiao"),
                            ("service", "service@demo.qiao"),
                            ("marketer", "marketing@demo.qiao")):
            assert re.search(rf"\b{role}\s+{re.escape(email)}", block), block
        _, rep_home = _sign_in(base, log, "rep.li@demo.qiao", demo_password)
        assert "/logout" in rep_home
        # Printed only once everything answered; requests and jobs since then print nothing.
        before, after = log.read_text().split(block, 1)
        assert "Listening at" in before and "Qiao CRM is running at" not in before
        assert "GET /" not in after and "heartbeat" not in after, after
        processes = _descendants(proc.pid)
        commands = " | ".join(_cmdline(p) for p in processes)
        for role in ("crm serve", "crm worker", "crm clock"):
            assert role in commands, commands

        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)  # impatient users press Ctrl-C twice
        assert proc.wait(timeout=30) is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in processes):
            time.sleep(0.2)
        assert [p for p in processes if _alive(p)] == [], log.read_text()
        assert _processes_in(instance) == [], "a process (e.g. redis-server) was left running"
    finally:
        _kill_tree(proc, instance)
    assert "Qiao CRM is running at" in log.read_text()
    assert "Traceback" not in log.read_text(), log.read_text()


def _start_block(log: Path) -> str:
    """The framed block `crm run` prints once web, worker and clock are up."""
    match = re.search(r"^(\+-+\+)\n.*?^\1$", log.read_text(), re.M | re.S)
    assert match, log.read_text()
    return match.group(0)


def _database_with_unknown_revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('ffffdeadbeef')")
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command", ["serve", "run"])
def test_failed_migration_stops_the_start_with_a_message(tmp_path, command):
    url = _database_with_unknown_revision(tmp_path / "broken.sqlite3")
    env = _env(tmp_path / "instance", url)
    env["CRM_REDIS_URL"] = "redis://127.0.0.1:1"  # never reached: the start stops before
    result = subprocess.run([sys.executable, "-m", "crm", command, "--port", str(_free_port())],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "migration failed" in result.stderr.lower(), result.stderr
    assert "Traceback" not in result.stderr
    assert "ffffdeadbeef" in result.stderr  # the message says why


@pytest.mark.parametrize("command", ["serve", "run"])
def test_port_in_use_says_which_and_how_to_pick_another(tmp_path, command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = _env(tmp_path / "instance", f"sqlite:///{tmp_path / 'crm.sqlite3'}")
        env["CRM_REDIS_URL"] = "redis://127.0.0.1:1"  # never reached: the start stops before
        result = subprocess.run([sys.executable, "-m", "crm", command, "--port", str(port)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr, result.stderr
    assert f"--port {port + 1}" in result.stderr
    if command == "run":
        assert f"make run PORT={port + 1}" in result.stderr
    assert "running at" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "crm.sqlite3").exists()  # nothing was started or migrated


@pytest.mark.reliability  # starts gunicorn: a few seconds
def test_crm_serve_creates_the_first_admin_from_the_environment(app, tmp_path):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    database_url = uri if uri.startswith("postgresql") else None
    instance = tmp_path / "instance"
    port = _free_port()
    log = tmp_path / "crm-serve.log"
    env = _env(instance, database_url)
    env["CRM_ADMIN_EMAIL"] = "Admin@Example.com"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "crm", "serve", "--port", str(port),
                                 "--workers", "1"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(proc, base, log)
        opener, home = _sign_in(base, log)  # admin@example.com with CRM_ADMIN_PASSWORD
        assert "Administrator" in home
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        _kill_tree(proc, instance)
    output = log.read_text()
    assert "First administrator: admin@example.com" in output, output
    assert ADMIN_PASSWORD not in output  # given by the admin, so not printed
    assert "Traceback" not in output, output
