"""Companies and people: their record types and every field, described once.

Choice values and their labels, limits, which fields the quick add, the list, the filters,
completeness and search use: all here. The rules only customers have (duplicate keys and
check, finding a company by name, a company's people) are in crm/services/customers.py.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_babel import ngettext

from crm.models import Company, Contact
from crm.records import common_fields, kinds, registry
from crm.records.fields import Choice, FieldSpec
from crm.records.types import Permissions, RecordType, Sort
from crm.services import customers

TIERS = (Choice("high", _l("High")), Choice("mid", _l("Mid")), Choice("low", _l("Low")))
STATUSES = (Choice("potential", _l("Potential")), Choice("intent", _l("Intent")),
            Choice("customer", _l("Customer")), Choice("churned", _l("Churned")))
SOURCES = (Choice("ad", _l("Advertising")), Choice("referral", _l("Referral")),
           Choice("website", _l("Website form")), Choice("event", _l("Event")),
           Choice("import", _l("Import")), Choice("other", _l("Other")))
SIZES = tuple(Choice(v, v) for v in ("1-9", "10-49", "50-199", "200-999", "1000+"))
GENDERS = (Choice("female", _l("Female")), Choice("male", _l("Male")),
           Choice("other", _l("Other")))
PERMISSIONS = Permissions(view="customers.view", edit="customers.edit",
                          delete="customers.delete", export="customers.export")
SYSTEM = {"form": False, "inline": False}


def _first(name_label, *, person: bool) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("name", name_label, kinds.TEXT, required=True, max_length=200, quick=True,
                  inline=False, search=True, completeness=True,
                  options={"required_message": _l("Enter a name.")}),
        FieldSpec("phone", _l("Phone"), kinds.PHONES, quick=True, inline=False, search=True,
                  completeness=True, list_column=True,
                  options={"main_column": "phone", "card": "call"}),
        FieldSpec("email", _l("Email"), kinds.EMAIL, max_length=254, quick=person,
                  search=True, completeness=True),
    )


def _classification() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("status", _l("Status"), kinds.CHOICE, required=True, default="potential",
                  choices=STATUSES, filter=True, list_column=True, section="classification",
                  options={"badge": True, "card": "meta"}),
        FieldSpec("tier", _l("Tier"), kinds.CHOICE, choices=TIERS, filter=True,
                  list_column=True, completeness=True, section="classification",
                  options={"badge": True}),
        FieldSpec("source", _l("Source"), kinds.CHOICE, choices=SOURCES, filter=True,
                  completeness=True, section="classification"),
        FieldSpec("tags", _l("Tags"), kinds.TAGS, search=True, filter=True,
                  section="classification", hint=_l("Separate tags with commas.")),
        FieldSpec("region", _l("Province / city"), kinds.REGION, filter=True,
                  list_column=True, completeness=True, section="address"),
        FieldSpec("address", _l("Address"), kinds.TEXT, max_length=300, completeness=True,
                  section="address"),
    )


def _last() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("special_requests", _l("Special requests"), kinds.LONG_TEXT,
                  max_length=1000, section="more", options={"pinned": True},
                  hint=_l("Shown pinned on top of the customer page.")),
        common_fields.OWNER,
        common_fields.TEAM,
        FieldSpec("last_contact_at", _l("Last contact"), kinds.MOMENT, filter=True,
                  list_column=True,
                  options={"filter_arg": "contact", "quiet": True, "card": "meta"}, **SYSTEM),
        common_fields.CREATED,
    )


COMPANY_FIELDS = (
    *_first(_lp("company", "Name"), person=False),
    *_classification(),
    FieldSpec("industry", _l("Industry"), kinds.TEXT, max_length=60, completeness=True,
              section="business"),
    FieldSpec("size", _l("Size"), kinds.CHOICE, choices=SIZES, completeness=True,
              section="business"),
    FieldSpec("purchase_cycle", _l("Purchase cycle"), kinds.TEXT, max_length=60,
              section="business", hint=_l("e.g. monthly, every spring")),
    FieldSpec("website", _l("Website"), kinds.URL, max_length=300, completeness=True,
              section="business"),
    *_last(),
)

CONTACT_FIELDS = (
    *_first(_l("Name"), person=True),
    FieldSpec("gender", _l("Gender"), kinds.CHOICE, choices=GENDERS, completeness=True),
    FieldSpec("company", _l("Company"), kinds.LINK, list_column=True,
              hint=_l("Leave empty for an individual customer."),
              options={"target": "company", "column": "company_id", "relation": "company",
                       "empty_text": _l("Individual customer")}),
    FieldSpec("job_title", _l("Job title"), kinds.TEXT, max_length=100, completeness=True),
    FieldSpec("birthday", _l("Birthday"), kinds.DATE, completeness=True, inline=False,
              options={"past": _l("Enter a birthday between 1900 and today.")}),
    *_classification(),
    *_last(),
)


def _sorts(name_label) -> tuple[Sort, ...]:
    return (Sort("name", name_label, "name"),
            Sort("updated", _l("Recently changed"), "updated_at", descending=True))


COMPANY = registry.register(RecordType(
    key="company", model=Company, plural="companies", label=_l("Company"),
    label_plural=_l("Companies"), label_lower=_l("company"), fields=COMPANY_FIELDS,
    permissions=PERMISSIONS, sorts=_sorts(_lp("company", "Name")),
    duplicates=customers.company_duplicates, identity=("name_key", "phone"),
    on_file=customers.company_on_file, derive=customers.derive_company,
    name_match=customers.company_name_match, show_sections=("companies/_people.html",),
    show_context=customers.company_people, nav_order=10,
    description=_l("Find, add and update business customers."),
    counted=lambda n: ngettext("%(num)d company", "%(num)d companies", n),
    extra={"actions": ("companies/_actions.html",)},
    empty_text=_l("No customers found. Change the search or the filters, or add one."),
))

CONTACT = registry.register(RecordType(
    key="contact", model=Contact, plural="contacts", label=_l("Person"),
    label_plural=_l("People"), label_lower=_l("person"), fields=CONTACT_FIELDS,
    permissions=PERMISSIONS, sorts=_sorts(_l("Name")),
    duplicates=customers.contact_duplicates, identity=("email_norm", "phone"),
    on_file=customers.contact_on_file, derive=customers.derive_contact, nav_order=20,
    subtitle=customers.contact_subtitle,
    description=_l("Contacts at companies and individual customers."),
    counted=lambda n: ngettext("%(num)d person", "%(num)d people", n),
    empty_text=_l("No customers found. Change the search or the filters, or add one."),
    extra={"completeness_skip": customers.contact_skips},
))
