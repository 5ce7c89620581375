"""Rules only customers (companies and people) have: their duplicate keys, the duplicate
check, finding a company by the name a rep typed, and the people of a company.

The shared record service (crm/records/service.py) calls these through the record types
registered in crm/records/customers.py.
"""

from __future__ import annotations

from crm.extensions import db
from crm.models import Company, Contact
from crm.services import dedupe
from crm.services.company_names import normalize_company_name
from crm.services.dedupe_keys import company_key_values
from crm.services.normalize import normalize_email
from crm.services.scope import scoped


def derive_company(record: Company) -> None:
    """The keys duplicates are matched on."""
    record.email_norm = normalize_email(record.email or "") or None
    for column, value in company_key_values(record.name).items():
        setattr(record, column, value)


def derive_contact(record: Contact) -> None:
    record.email_norm = normalize_email(record.email or "") or None


def _phones(record) -> list[str]:
    return [p.e164 for p in record.phones]


def company_duplicates(record: Company, *, user, exclude_id=None, limit=dedupe.MAX_CANDIDATES):
    return dedupe.find_company_duplicates(record.name, phones=_phones(record),
                                          exclude_id=exclude_id, user=user, limit=limit)


def contact_duplicates(record: Contact, *, user, exclude_id=None, limit=dedupe.MAX_CANDIDATES):
    return dedupe.find_contact_duplicates(_phones(record), record.email,
                                          exclude_id=exclude_id, user=user, limit=limit)


def company_name_match(name: str):
    """A company typed by name matches on its normalised name (suffixes, width, case)."""
    return Company.name_key == normalize_company_name(name)


def company_people(record: Company, user) -> dict:
    """The people of a company the user may see, for the company page."""
    stmt = (scoped(Contact, user).where(Contact.company_id == record.id)
            .order_by(Contact.name).limit(50))
    return {"people": list(db.session.scalars(stmt))}


def contact_subtitle(record: Contact, user) -> str | None:
    """"Purchasing manager at Acme": the job title and the company, as far as the user may
    see the company."""
    from flask_babel import gettext as _

    from crm.services.scope import can_see

    company = record.company
    if company is not None and (company.deleted_at is not None or not can_see(company, user)):
        company = None
    if record.job_title and company:
        return _("%(title)s at %(company)s", title=record.job_title, company=company.name)
    return record.job_title or (company.name if company else None)


def contact_skips(record: Contact) -> tuple[str, ...]:
    """A company's employee is complete without gender and birthday (B2B: rarely known)."""
    return ("gender", "birthday") if record.company_id else ()


def company_on_file(field_name: str, data: str, e164: str | None, *, user,
                    exclude: int | None) -> list:
    """Companies one typed value already points to (the duplicate check's own rules), shown
    under the field as it is typed; saving still asks "is this the same customer?"."""
    kw = {"exclude_id": exclude, "user": user, "limit": 3}
    if field_name == "name":  # a branch also names its parent (reason "parent")
        return (dedupe.find_company_duplicates(data, **kw)
                + dedupe.find_parent_companies(data, **kw))
    return dedupe.find_company_duplicates("", phones=[e164], **kw) if e164 else []


def contact_on_file(field_name: str, data: str, e164: str | None, *, user,
                    exclude: int | None) -> list:
    """People one typed phone or email already points to."""
    kw = {"exclude_id": exclude, "user": user, "limit": 3}
    if e164:
        return dedupe.find_contact_duplicates([e164], None, **kw)
    return dedupe.find_contact_duplicates([], data, **kw) if field_name == "email" else []
