"""The `crm` command: run everything, or each process alone, and the admin's tools."""

from __future__ import annotations

import contextvars
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext


def main() -> None:
    from crm import create_app

    cli = FlaskGroup(create_app=create_app, add_default_commands=False,
                     set_debug_flag=False, load_dotenv=False,
                     help="Qiao CRM. Start everything with `crm run`.")
    cli.add_command(shell_command)
    cli.add_command(routes_command)
    cli.main(prog_name="crm")


def register(app: Flask) -> None:
    for command in (run_command, serve_command, worker_command, clock_command, demo_command,
                    backup_command, restore_command, check_command, rekey_command, user_group):
        app.cli.add_command(command)
    from crm.bench_data import bench_data_command

    app.cli.add_command(bench_data_command)


def upgrade_database() -> None:
    """Apply migrations; refuse to go on when they fail, saying why."""
    from flask_migrate import upgrade

    from crm import migrations_dir

    try:
        upgrade(directory=migrations_dir())
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure must stop the start
        # Flask-Migrate logs the cause and calls sys.exit(1) on Alembic errors.
        reason = "see the error above" if isinstance(exc, SystemExit) else exc
        raise click.ClickException(
            f"Database migration failed, so Qiao CRM did not start: {reason}\n"
            "Fix the cause, or restore a backup with `crm restore FILE`, then start again."
        ) from exc


def ensure_first_admin() -> tuple[str, str | None] | None:
    """Create the first administrator from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD when there
    are no users (`crm run` and `crm serve` alike). Returns its email and the generated
    password to show once (None when CRM_ADMIN_PASSWORD gave it), or None when users exist."""
    from crm.services.system import ensure_admin

    cfg = current_app.config["CRM"]
    created = ensure_admin(cfg["ADMIN_EMAIL"], cfg["ADMIN_PASSWORD"] or None)
    if created is None:
        return None
    user, password = created
    return user.email, password


def _print_first_admin(admin: tuple[str, str | None] | None) -> None:
    if admin is None:
        return
    email, password = admin
    click.secho(f"First administrator: {email}", fg="green", bold=True)
    click.secho(f"Password (shown once, change it after signing in): {password}"
                if password else "Password: the one in CRM_ADMIN_PASSWORD",
                fg="green", bold=True)


def ensure_port_free(host: str, port: int, how_to_change: str) -> None:
    """Stop before anything starts when the address cannot be listened on, naming the port
    and how to pick another (gunicorn would retry, then exit with a terse error)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise click.ClickException(f"Cannot listen on {host}: {exc.strerror}. "
                                   "Use an address of this machine, e.g. 127.0.0.1.") from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            sock.bind(address)
        except OSError as exc:
            other = port + 1 if port < 65535 else 5001
            if exc.errno == errno.EADDRINUSE:
                reason = (f"Port {port} on {host} is already in use (by another Qiao CRM or "
                          "another program)")
            else:
                reason = f"Cannot listen on port {port} on {host}: {exc.strerror}"
            raise click.ClickException(
                f"{reason}, so Qiao CRM did not start. Pick another port: "
                + how_to_change.format(port=other) + ".") from exc


def _child(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crm", *args], env=env)


def _stop_all(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="web processes")
@click.option("--demo", is_flag=True, help="load the demo dataset first")
@click.option("--verbose", is_flag=True,
              help="also print access-log and job lines (as CRM_LOG_ACCESS=1 does)")
@with_appcontext
def run_command(host: str, port: int, workers: int, demo: bool, verbose: bool) -> None:
    """Migrate, create the first admin, then run web + worker + clock until Ctrl-C."""
    from crm.database import utcnow
    from crm.extensions import db
    from crm.redis_conn import redis_url

    ensure_port_free(host, port, "`make run PORT={port}` or `crm run --port {port}`")
    upgrade_database()
    admin = ensure_first_admin()
    loaded = _load_demo() if demo else None
    # End this process's transaction: on SQLite it holds the write lock while children run.
    db.session.remove()
    db.engine.dispose()
    verbose = verbose or current_app.config["CRM"]["LOG_ACCESS"]
    env = dict(os.environ, CRM_REDIS_URL=redis_url(),
               CRM_INSTANCE_PATH=current_app.instance_path,
               CRM_LOG_ACCESS="1" if verbose else "0")
    started = utcnow()
    children = [
        _child(["serve", "--host", host, "--port", str(port), "--workers", str(workers),
                "--no-migrate"], env),
        _child(["worker"], env),
        _child(["clock"], env),
    ]
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        try:
            _wait_until_up(children, host, port, started)
        except click.ClickException:
            _print_first_admin(admin)  # its generated password is not shown anywhere else
            raise
        _print_start_block(f"http://{_url_host(host)}:{port}", admin, loaded, verbose)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        click.secho("A process stopped; stopping the others.", fg="red")
    except KeyboardInterrupt:
        click.echo("Stopping…")
    finally:
        # A second Ctrl-C while stopping would interrupt the shutdown of the children and
        # of the embedded Redis half-way (and print a traceback): stopping takes seconds.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop_all(children)


def _url_host(host: str) -> str:
    """The address a browser on this machine uses for what `host` listens on."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


START_TIMEOUT = 120  # seconds for web, worker and clock to come up


def _wait_until_up(children: list[subprocess.Popen], host: str, port: int, started) -> None:
    """Return once the web server answers /healthz, the worker is registered in Redis and
    the clock has ticked since `started`; stop with a message when a process exits first."""
    import urllib.request
    from datetime import timedelta

    from rq import Worker

    from crm.extensions import db
    from crm.redis_conn import get_redis
    from crm.services.system import state

    web, worker, clock = children
    names = {id(web): "web server", id(worker): "job worker", id(clock): "clock"}
    url = f"http://{_url_host(host)}:{port}/healthz"
    since = started - timedelta(seconds=2)
    up = {"web": False, "worker": False, "clock": False}
    deadline = time.monotonic() + START_TIMEOUT
    while not all(up.values()):
        for child in children:
            if child.poll() is not None:
                raise click.ClickException(f"The {names[id(child)]} stopped while starting "
                                           "(see its messages above); nothing is running.")
        if time.monotonic() > deadline:
            waiting = ", ".join(name for name, ok in up.items() if not ok)
            raise click.ClickException(f"Still waiting for: {waiting} after "
                                       f"{START_TIMEOUT} s; stopped everything.")
        if not up["web"]:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    up["web"] = response.status == 200
            except OSError:
                pass
        if not up["worker"]:
            try:
                up["worker"] = any(w.pid == worker.pid
                                   for w in Worker.all(connection=get_redis()))
            except Exception:  # noqa: BLE001 - Redis still starting: try again
                pass
        if not up["clock"]:
            tick = state("clock.tick")
            up["clock"] = tick is not None and tick.at >= since
            db.session.remove()
        if not all(up.values()):
            time.sleep(0.3)


def _print_start_block(url: str, admin: tuple[str, str | None] | None, loaded,
                       verbose: bool) -> None:
    """The last thing `crm run` prints at start: where to go and how to sign in."""
    lines = [f"Qiao CRM is running at {url}", "Web server, job worker and clock are up.", ""]
    if admin is None:
        lines.append("Sign in with your account (lost password: "
                     "crm user set-password --email ...).")
    else:
        email, password = admin
        lines.append(f"First administrator: {email}")
        lines.append(f"Password (shown once, change it after signing in): {password}"
                     if password else "Password: the one in CRM_ADMIN_PASSWORD")
    if loaded is not None:
        lines += ["", f"Demo users, each with the password: {loaded.password}"]
        width = max(len(role) for _, role in loaded.users)
        lines += [f"  {role:<{width}}  {email}" for email, role in loaded.users]
    lines.append("")
    if not verbose:
        lines.append("Access-log and job lines are off: make run VERBOSE=1 (crm run --verbose).")
    lines.append("Ctrl-C stops everything.")
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    block = [rule, *(f"| {line:<{width}} |" for line in lines), rule]
    click.secho("\n" + "\n".join(block), fg="cyan", bold=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--no-migrate", is_flag=True, help="skip migrations (crm run did them)")
@with_appcontext
def serve_command(host: str, port: int, workers: int, no_migrate: bool) -> None:
    """Serve HTTP with gunicorn (migrations first)."""
    from crm.extensions import db
    from crm.redis_conn import redis_url
    from crm.wsgi_server import serve

    ensure_port_free(host, port, "`crm serve --port {port}`")
    if not no_migrate:
        upgrade_database()
        _print_first_admin(ensure_first_admin())  # `crm run` did both itself
    redis_url()  # start or join the embedded Redis before forking web workers
    db.session.remove()
    db.engine.dispose()
    # Serve outside this command's app context: forked workers would inherit it and every
    # request would reuse it, carrying `g` (the signed-in user!) and the database session
    # from one client's request to the next.
    contextvars.Context().run(serve, current_app._get_current_object(), host, port, workers)


@click.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker (with scheduler) on the high, default and low queues."""
    from rq import Worker

    from crm.extensions import db
    from crm.jobs import QUEUES, set_worker_app
    from crm.redis_conn import get_redis

    set_worker_app(current_app._get_current_object())
    db.engine.dispose()
    conn = get_redis(timeout=30)
    # A line per job (the heartbeat every minute) only when asked for: it buries the rest.
    level = "INFO" if current_app.config["CRM"]["LOG_ACCESS"] else "WARNING"
    Worker(list(QUEUES), connection=conn).work(with_scheduler=True, burst=burst,
                                               logging_level=level)


@click.command("clock")
@click.option("--once", is_flag=True, help="run the sweeps once and exit")
@with_appcontext
def clock_command(once: bool) -> None:
    """Every minute: record a tick and enqueue the periodic sweeps."""
    from crm.jobs.system import run_sweeps

    while True:
        try:
            run_sweeps()
        except Exception as exc:  # noqa: BLE001 - the clock must keep ticking
            from crm.extensions import db

            db.session.rollback()
            current_app.logger.error("clock sweep failed: %s", exc)
        if once:
            return
        time.sleep(60 - time.time() % 60)


def _load_demo():
    from crm.services import demo

    loaded = demo.load()
    click.secho(f"Demo data loaded: {loaded.summary}", fg="green")
    return loaded


@click.command("rekey")
@with_appcontext
def rekey_command() -> None:
    """Recompute the duplicate keys of every company and person (after a normaliser change)."""
    from crm.extensions import db
    from crm.services.dedupe_keys import rekey_all

    started = time.monotonic()
    with db.engine.begin() as conn:
        total = rekey_all(conn)
    elapsed = max(time.monotonic() - started, 1e-9)
    click.echo(f"Re-keyed {total} records in {elapsed:.1f} s ({total / elapsed:.0f}/s).")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo dataset (teams, users, customers, follow-ups)."""
    upgrade_database()
    loaded = _load_demo()
    for email, role in loaded.users:
        click.echo(f"{role:<8}  {email}")
    click.secho(f"Demo users sign in with the password: {loaded.password}", fg="green")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(path_type=Path))
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Write a consistent snapshot of the database (safe while the app runs)."""
    from crm.extensions import db
    from crm.services import backup

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = target or backup.default_target(current_app.instance_path, db.engine.dialect.name)
    try:
        backup.backup(uri, target)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Check a backup's integrity, then replace the database with it."""
    from crm.extensions import db
    from crm.services import backup

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    db.engine.dispose()
    try:
        backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except backup.BackupError as exc:
        raise click.ClickException(f"Restore refused: {exc}") from exc
    upgrade_database()
    click.echo(f"Restored from {source}")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check configuration, database, migrations and Redis; non-zero exit on a problem."""
    from crm.services.system import check_all

    problems = 0
    for name, ok, detail in check_all():
        click.echo(f"{'ok ' if ok else 'FAIL'}  {name}: {detail}")
        problems += not ok
    if problems:
        raise click.ClickException(f"{problems} check(s) failed")


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "manager", "rep", "service",
                                                           "marketer"]))
@click.option("--team", default=None, help="team name (created when missing)")
@click.option("--name", default=None)
@with_appcontext
def user_create(email: str, password: str, role: str, team: str | None, name: str | None):
    """Create a user."""
    from crm.services import auth, users

    if len(password) < auth.MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"use at least {auth.MIN_PASSWORD_LENGTH} characters",
                                 param_hint="--password")
    upgrade_database()
    team_row = (users.team_by_name(team) or users.create_team(team)) if team else None
    if auth.find_user(email):
        raise click.ClickException(f"a user with the email {email} already exists")
    user = users.create(email, name or email.split("@")[0], password, role,
                        team_row.id if team_row else None)
    click.echo(f"Created {user.role} {user.email}" + (f" in team {team_row.name}"
                                                      if team_row else ""))


@user_group.command("set-password")
@click.option("--email", required=True, help="the account whose password is lost")
@click.option("--generate", is_flag=True, help="generate a random password and print it once")
@with_appcontext
def user_set_password(email: str, generate: bool) -> None:
    """Set a new password for a user (e.g. a lost admin password); ends their sessions."""
    from crm.extensions import db
    from crm.services import audit, auth

    upgrade_database()
    user = auth.find_user(email)
    if user is None:
        raise click.ClickException(
            f"No user has the email {email}. Check the spelling; `crm user create` adds one.")
    if generate:
        password = auth.random_password()
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        if len(password) < auth.MIN_PASSWORD_LENGTH:
            raise click.ClickException(
                f"The password is too short: use at least {auth.MIN_PASSWORD_LENGTH} characters"
                " (or --generate for a random one). Nothing was changed.")
    auth.change_password(user, password)
    audit.record(db.session, "admin", entity="user", entity_id=user.id,
                 summary=f"password of {user.email} set with crm user set-password")
    db.session.commit()
    click.echo(f"New password set for {user.email}; their sessions were signed out.")
    if generate:
        click.secho(f"Password (shown once): {password}", fg="green", bold=True)
