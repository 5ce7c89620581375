"""Every kind of field, by key. Custom fields may use the kinds whose `custom` is true."""

from __future__ import annotations

from crm.records.kinds.base import Kind, clean
from crm.records.kinds.basic import (
    CHECKBOX,
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    INTEGER,
    LONG_TEXT,
    MONEY,
    PHONE,
    TEXT,
    URL,
)
from crm.records.kinds.choices import CHOICE, MULTI_CHOICE
from crm.records.kinds.composite import PHONES, REGION, TAGS, parse_tags
from crm.records.kinds.links import LINK, MOMENT, OWNER, TEAM

KINDS: dict[str, Kind] = {k.key: k for k in (
    TEXT, LONG_TEXT, INTEGER, DECIMAL, MONEY, DATE, DATETIME, CHOICE, MULTI_CHOICE, CHECKBOX,
    PHONE, EMAIL, URL, PHONES, TAGS, REGION, LINK, OWNER, TEAM, MOMENT)}
CUSTOM_KINDS: dict[str, Kind] = {key: kind for key, kind in KINDS.items() if kind.custom}

__all__ = ["CHECKBOX", "CHOICE", "CUSTOM_KINDS", "DATE", "DATETIME", "DECIMAL", "EMAIL",
           "INTEGER", "KINDS", "LINK", "LONG_TEXT", "MOMENT", "MONEY", "MULTI_CHOICE", "OWNER",
           "PHONE", "PHONES", "REGION", "TAGS", "TEAM", "TEXT", "URL", "Kind", "clean",
           "parse_tags"]
