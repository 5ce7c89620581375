"""Health endpoints for load balancers and monitors: no auth, no stack traces."""

from flask import jsonify

from crm.blueprints.health import bp
from crm.extensions import csrf
from crm.permissions import access
from crm.services import system


@bp.get("/healthz")
@access.public
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
@access.public
def readyz():
    """The database and Redis answer (503 within about 2 s otherwise)."""
    checks = {"database": system.database_ok(), "redis": system.redis_ok()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable",
            **{k: ("ok" if v else "error") for k, v in checks.items()}}
    return jsonify(body), 200 if ok else 503


csrf.exempt(bp)
