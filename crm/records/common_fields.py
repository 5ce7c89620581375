"""Fields every owned business record has, the same in every record type: its owner
(changed by roles that may assign records), its team and when it was created."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crm.records import kinds
from crm.records.fields import FieldSpec

OWNER = FieldSpec("owner", _l("Owner"), kinds.OWNER, filter=True, list_column=True,
                  section="classification",
                  options={"column": "owner_id", "permission": "customers.assign"})
TEAM = FieldSpec("team", _l("Team"), kinds.TEAM, filter=True, form=False, inline=False,
                 options={"column": "team_id"})
CREATED = FieldSpec("created_at", _l("Created"), kinds.MOMENT, filter=True, form=False,
                    inline=False, options={"filter_arg": "created", "this_week": True})
