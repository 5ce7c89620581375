"""Audited rows that are not business records (users, teams, custom field definitions):
their names and the labels of their columns, for the history and the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crm.i18n import LANGUAGE_NAMES
from crm.permissions import ROLE_LABELS
from crm.records import kinds
from crm.records.fields import Choice, FieldSpec

_ROLES = tuple(Choice(k, v) for k, v in ROLE_LABELS.items())
_LANGUAGES = tuple(Choice(k, v) for k, v in LANGUAGE_NAMES.items())
_SIZES = (Choice("normal", _l("Normal")), Choice("large", _l("Large")),
          Choice("xlarge", _l("Extra large")))

USER_FIELDS = (
    FieldSpec("email", _l("Email"), kinds.EMAIL),
    FieldSpec("name", _l("Name"), kinds.TEXT),
    FieldSpec("role", _l("Role"), kinds.CHOICE, choices=_ROLES),
    FieldSpec("team", _l("Team"), kinds.TEAM, options={"column": "team_id"}),
    FieldSpec("is_active", _l("Can sign in"), kinds.CHECKBOX),
    FieldSpec("language", _l("Language"), kinds.CHOICE, choices=_LANGUAGES),
    FieldSpec("font_size", _l("Font size"), kinds.CHOICE, choices=_SIZES),
    FieldSpec("last_login_at", _l("Last sign-in"), kinds.MOMENT),
)
TEAM_FIELDS = (FieldSpec("name", _l("Team name"), kinds.TEXT),)
FIELD_DEFINITION_FIELDS = (
    FieldSpec("record_type", _l("Record type"), kinds.TEXT),
    FieldSpec("key", _l("Key"), kinds.TEXT),
    FieldSpec("kind", _l("Kind"), kinds.TEXT),
    FieldSpec("label_en", _l("Label (English)"), kinds.TEXT),
    FieldSpec("label_zh", _l("Label (Chinese)"), kinds.TEXT),
    FieldSpec("required", _l("Required"), kinds.CHECKBOX),
    FieldSpec("filterable", _l("Filter in lists"), kinds.CHECKBOX),
    FieldSpec("list_column", _l("Column in lists"), kinds.CHECKBOX),
    FieldSpec("position", _l("Position"), kinds.INTEGER),
    FieldSpec("archived_at", _l("Archived"), kinds.MOMENT),
)

# audit entity -> (label, field specs)
OTHER_ENTITIES = {
    "user": (_l("User"), USER_FIELDS),
    "team": (_l("Team"), TEAM_FIELDS),
    "field_definition": (_l("Custom field"), FIELD_DEFINITION_FIELDS),
    "note": (_l("Note"), (FieldSpec("body", _l("Note"), kinds.LONG_TEXT),)),
    "attachment": (_l("Attachment"), (FieldSpec("filename", _l("File"), kinds.TEXT),)),
}
