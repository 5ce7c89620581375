"""Company routes: list, quick add, form, customer page and their fragments.

The logic shared with contacts lives in crm/blueprints/customer_area.py and
customer_detail.py; each route here only declares its URL and access rule.
"""

from flask_babel import lazy_gettext as _l

from crm.blueprints import customer_area as shared
from crm.blueprints import customer_detail as detail
from crm.blueprints.companies import bp
from crm.blueprints.companies.forms import COMPANY_NAME, CompanyForm
from crm.models import Company
from crm.permissions import access
from crm.services.customers import COMPANY_FIELDS

AREA = shared.Area(
    name="companies", entity="company", model=Company, form_class=CompanyForm,
    fields=COMPANY_FIELDS,
    title=_l("Companies"), singular=_l("company"), name_label=COMPANY_NAME,
    editable=("email", "industry", "size", "purchase_cycle", "website", "tier", "status",
              "source", "region", "address", "special_requests", "tags"),
)

bp.context_processor(shared.template_labels)
bp.add_app_template_filter(shared.phone_filter, "phone")


@bp.get("/companies")
@access("customers.view")
def index():
    """Companies: search, filters, saved views, quick add."""
    return shared.index(AREA)


@bp.get("/companies/rows")
@access("customers.view")
def rows():
    """Rows for active search, filters and load more."""
    return shared.rows(AREA)


@bp.get("/companies/new")
@access("customers.edit")
def new():
    """The new-company form (htmx: the quick-add row)."""
    return detail.new(AREA)


@bp.post("/companies")
@access("customers.edit")
def create():
    """Create a company (duplicate prompt unless confirm_new=1)."""
    return shared.create(AREA)


@bp.post("/companies/validate")
@access("customers.edit")
def validate_field():
    """Check one field as it is typed; returns its error slot."""
    return detail.validate_field(AREA)


@bp.get("/companies/cities")
@access("customers.view")
def cities():
    """City options of a province."""
    return detail.cities(AREA)


@bp.get("/companies/phone-row")
@access("customers.edit")
def phone_row():
    """One more phone row for the full form."""
    return detail.phone_row(AREA)


@bp.get("/companies/completeness")
@access("customers.view")
def completeness():
    """Data completeness per rep, for companies and people."""
    return detail.completeness_page()


@bp.get("/companies/<int:record_id>")
@access("customers.view")
def show(record_id: int):
    """The company page: key facts, people, timeline, history."""
    return detail.show(AREA, record_id)


@bp.get("/companies/<int:record_id>/edit")
@access("customers.edit")
def edit(record_id: int):
    """The full edit form."""
    return detail.edit(AREA, record_id)


@bp.post("/companies/<int:record_id>")
@access("customers.edit")
def update(record_id: int):
    """Save the full edit form."""
    return shared.update(AREA, record_id)


@bp.get("/companies/<int:record_id>/field")
@access("customers.view")
def field(record_id: int):
    """One field of the company page, shown or in its editor."""
    return detail.field(AREA, record_id)


@bp.post("/companies/<int:record_id>/field")
@access("customers.edit")
def save_field(record_id: int):
    """Save one click-to-edit field."""
    return detail.save_field(AREA, record_id)


@bp.post("/companies/<int:record_id>/delete")
@access("customers.delete")
def delete(record_id: int):
    """Move the company to the trash."""
    return shared.delete(AREA, record_id)


@bp.post("/companies/<int:record_id>/restore")
@access("customers.delete")
def restore(record_id: int):
    """Restore the company from the trash."""
    return shared.restore(AREA, record_id)


@bp.post("/companies/<int:record_id>/notes")
@access("customers.edit")
def add_note(record_id: int):
    """Add a note with attachments or photos to the timeline."""
    return detail.add_note(AREA, record_id)


@bp.get("/companies/<int:record_id>/history")
@access("customers.view")
def history(record_id: int):
    """More rows of the company's change history."""
    return detail.history(AREA, record_id)


@bp.get("/attachments/<int:attachment_id>")
@access("customers.view")
def attachment(attachment_id: int):
    """Download a note's attachment (companies and people alike)."""
    return detail.attachment(attachment_id)


@bp.post("/companies/views")
@access("customers.view")
def save_view():
    """Save the current filters as a named view."""
    return detail.save_view(AREA)


@bp.post("/companies/views/<int:view_id>/delete")
@access("customers.view")
def delete_view(view_id: int):
    """Delete a saved view."""
    return detail.delete_view(AREA, view_id)
