"""Companies: the generic record routes (crm/blueprints/records/) plus what only this area
has, the data-completeness report of every rep."""

from crm.blueprints.records import blueprint_for
from crm.records.customers import COMPANY

bp = blueprint_for(COMPANY)

from crm.blueprints.companies import views  # noqa: E402, F401
