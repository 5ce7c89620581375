"""The record layer: what every business record type shares.

A record type (crm/records/types.py) is registered once (crm/records/registry.py) with its
field specs (fields.py, kinds/); the shared service (service.py), lists (lists.py), forms
(forms.py), custom fields (custom.py) and the web handlers (crm/blueprints/records/) work
from that description. Adding a type: a model with BusinessMixin, a module here that
registers its RecordType, and a migration (see the README's Development section).
"""

from __future__ import annotations


def load_builtin_types() -> None:
    """Import the modules that register the built-in record types."""
    import crm.records.customers  # noqa: F401
    import crm.records.tasks  # noqa: F401
