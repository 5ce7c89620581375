"""Qiao CRM application factory: it only wires config, extensions, blueprints and hooks."""

from __future__ import annotations

import os

from flask import Flask

from crm import config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults → CRM_* environment → test config."""
    app = Flask(__name__, instance_path=os.environ.get("CRM_INSTANCE_PATH") or None,
                instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    crm_settings = config.from_environment()
    crm_settings.update((test_config or {}).pop("CRM", {}))
    app.config["CRM"] = crm_settings
    app.config.update(config.flask_config(crm_settings, app.instance_path))
    app.config.update(test_config or {})

    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_errorhandlers(app)
    register_jinja(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from crm import auth_session
    from crm.database import configure_postgres, configure_sqlite
    from crm.extensions import babel, csrf, db, htmx, login_manager, migrate
    from crm.i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgres(db.engine)
    migrate.init_app(app, db, directory=migrations_dir(), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    htmx.init_app(app)
    login_manager.init_app(app)
    auth_session.init_login_manager(login_manager)
    import crm.models  # noqa: F401 - register every table
    import crm.services.audit  # noqa: F401 - audit flush listener


def migrations_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def register_blueprints(app: Flask) -> None:
    from crm.blueprints import admin, auth, health, home, notifications, profile, records
    from crm.ids import IdConverter
    from crm.records import load_builtin_types, registry

    app.url_map.converters["id"] = IdConverter
    for module in (auth, home, profile, notifications, admin, health, records):
        app.register_blueprint(module.bp)
    load_builtin_types()
    import crm.blueprints.companies  # noqa: F401 - the companies area's own routes
    import crm.blueprints.tasks  # noqa: F401 - complete, snooze, reopen

    for rtype in registry.all_types():
        app.register_blueprint(records.blueprint_for(rtype))


def register_hooks(app: Flask) -> None:
    from crm import auth_session, htmx, security
    from crm.permissions import enforce_access

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from crm.database import read_without_transaction

        app.before_request(read_without_transaction)
    app.before_request(auth_session.check_session_limits)
    app.before_request(enforce_access)
    app.before_request(security.reject_control_characters)
    app.after_request(htmx.after_request)
    security.install(app)


def register_errorhandlers(app: Flask) -> None:
    from crm.errors import register

    register(app)


def register_jinja(app: Flask) -> None:
    from crm.templating import register

    register(app)


def register_cli(app: Flask) -> None:
    from crm.cli import register

    register(app)
