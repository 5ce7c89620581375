"""Administration: the System page (database, Redis, queues, workers, clock, failed jobs)."""

from flask import render_template

from crm.blueprints.admin import bp
from crm.extensions import db
from crm.models import AuditLog, User
from crm.permissions import access
from crm.services import system


@bp.get("/admin/system")
@access("admin.system")
def system_index():
    """Database, Redis, queues, workers, clock and failed jobs at a glance."""
    return render_template(
        "admin/system.html", db_kind=db.engine.dialect.name, db_size=system.database_size(),
        redis=system.redis_facts(), clock=system.state("clock.tick"),
        heartbeat=system.state("worker.heartbeat"),
        users_total=db.session.scalar(db.select(db.func.count()).select_from(User)),
        audit_total=db.session.scalar(db.select(db.func.max(AuditLog.id))) or 0,
    )
