"""Contact (people) routes: list, quick add, form, customer page and their fragments.

The logic shared with companies lives in crm/blueprints/customer_area.py and
customer_detail.py; each route here only declares its URL and access rule.
"""

from flask_babel import lazy_gettext as _l

from crm.blueprints import customer_area as shared
from crm.blueprints import customer_detail as detail
from crm.blueprints.contacts import bp
from crm.blueprints.contacts.forms import ContactForm
from crm.models import Contact
from crm.permissions import access
from crm.services.customers import CONTACT_FIELDS

AREA = shared.Area(
    name="contacts", entity="contact", model=Contact, form_class=ContactForm,
    fields=CONTACT_FIELDS,
    title=_l("People"), singular=_l("person"),
    editable=("email", "job_title", "gender", "tier", "status", "source", "region", "address",
              "special_requests", "tags", "company"),
)

bp.context_processor(shared.template_labels)


@bp.get("/contacts")
@access("customers.view")
def index():
    """People: search, filters, saved views, quick add."""
    return shared.index(AREA)


@bp.get("/contacts/rows")
@access("customers.view")
def rows():
    """Rows for active search, filters and load more."""
    return shared.rows(AREA)


@bp.get("/contacts/new")
@access("customers.edit")
def new():
    """The new-person form (htmx: the quick-add row)."""
    return detail.new(AREA)


@bp.post("/contacts")
@access("customers.edit")
def create():
    """Create a person (duplicate prompt unless confirm_new=1)."""
    return shared.create(AREA)


@bp.post("/contacts/validate")
@access("customers.edit")
def validate_field():
    """Check one field as it is typed; returns its error slot."""
    return detail.validate_field(AREA)


@bp.get("/contacts/cities")
@access("customers.view")
def cities():
    """City options of a province."""
    return detail.cities(AREA)


@bp.get("/contacts/phone-row")
@access("customers.edit")
def phone_row():
    """One more phone row for the full form."""
    return detail.phone_row(AREA)


@bp.get("/contacts/<int:record_id>")
@access("customers.view")
def show(record_id: int):
    """The person page: key facts, timeline, history."""
    return detail.show(AREA, record_id)


@bp.get("/contacts/<int:record_id>/edit")
@access("customers.edit")
def edit(record_id: int):
    """The full edit form."""
    return detail.edit(AREA, record_id)


@bp.post("/contacts/<int:record_id>")
@access("customers.edit")
def update(record_id: int):
    """Save the full edit form."""
    return shared.update(AREA, record_id)


@bp.get("/contacts/<int:record_id>/field")
@access("customers.view")
def field(record_id: int):
    """One field of the person page, shown or in its editor."""
    return detail.field(AREA, record_id)


@bp.post("/contacts/<int:record_id>/field")
@access("customers.edit")
def save_field(record_id: int):
    """Save one click-to-edit field."""
    return detail.save_field(AREA, record_id)


@bp.post("/contacts/<int:record_id>/delete")
@access("customers.delete")
def delete(record_id: int):
    """Move the person to the trash."""
    return shared.delete(AREA, record_id)


@bp.post("/contacts/<int:record_id>/restore")
@access("customers.delete")
def restore(record_id: int):
    """Restore the person from the trash."""
    return shared.restore(AREA, record_id)


@bp.post("/contacts/<int:record_id>/notes")
@access("customers.edit")
def add_note(record_id: int):
    """Add a note with attachments or photos to the timeline."""
    return detail.add_note(AREA, record_id)


@bp.get("/contacts/<int:record_id>/history")
@access("customers.view")
def history(record_id: int):
    """More rows of the person's change history."""
    return detail.history(AREA, record_id)


@bp.post("/contacts/views")
@access("customers.view")
def save_view():
    """Save the current filters as a named view."""
    return detail.save_view(AREA)


@bp.post("/contacts/views/<int:view_id>/delete")
@access("customers.view")
def delete_view(view_id: int):
    """Delete a saved view."""
    return detail.delete_view(AREA, view_id)
