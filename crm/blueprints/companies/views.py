"""The per-rep completeness report (reached from the companies area)."""

from flask import render_template
from flask_login import current_user

from crm.blueprints.companies import bp
from crm.permissions import access
from crm.records import completeness, registry


@bp.get("/companies/completeness", endpoint="completeness")
@access("customers.view")
def completeness_report():
    """Per rep: records and the share at least 80% complete, for every type that counts."""
    sections = [(rtype.label_plural, completeness.per_rep(rtype, current_user))
                for rtype in registry.all_types() if rtype.completeness_specs()]
    return render_template("customers/completeness.html", good=completeness.GOOD,
                           sections=sections)
