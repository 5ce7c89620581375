"""A throw-away third record type, registered by the tests only: the record layer must
serve it with no change to shared code (a model, a registration, nothing else)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.models.mixins import business_indexes
from crm.models.record import BusinessMixin
from crm.records import common_fields, kinds, registry
from crm.records.fields import Choice, FieldSpec
from crm.records.types import Permissions, RecordType, Sort


class Gadget(BusinessMixin, db.Model):
    __tablename__ = "test_gadget"
    __table_args__ = business_indexes("test_gadget")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    serial: Mapped[str | None] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(String(20), nullable=False, default="new")
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    delivered_on: Mapped[date | None] = mapped_column(Date)

    def __str__(self) -> str:
        return self.name


GADGET = registry.register(RecordType(
    key="gadget", model=Gadget, plural="gadgets", label="Gadget", label_plural="Gadgets",
    label_lower="gadget",
    permissions=Permissions(view="customers.view", edit="customers.edit",
                            delete="customers.delete", export="customers.export"),
    sorts=(Sort("name", "Name", "name"),), nav_order=900,
    fields=(
        FieldSpec("name", "Name", kinds.TEXT, required=True, max_length=200, quick=True,
                  inline=False),
        FieldSpec("serial", "Serial number", kinds.TEXT, max_length=40, list_column=True),
        FieldSpec("condition", "Condition", kinds.CHOICE, required=True, default="new",
                  choices=(Choice("new", "New"), Choice("used", "Used")), filter=True,
                  list_column=True),
        FieldSpec("price", "Price", kinds.MONEY, filter=True, list_column=True),
        FieldSpec("delivered_on", "Delivered on", kinds.DATE, filter=True),
        FieldSpec("phone", "Phone", kinds.PHONES, inline=False),
        FieldSpec("tags", "Tags", kinds.TAGS, filter=True),
        common_fields.OWNER,
        common_fields.CREATED,
    ),
))
