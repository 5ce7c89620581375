"""All models, imported here so Alembic and the app see every table."""

from crm.models.audit import AuditLog
from crm.models.customer import Company, Contact
from crm.models.email import Outbox, Setting
from crm.models.note import Attachment, Note
from crm.models.notification import Notification, Reminder
from crm.models.record import FieldDefinition, Phone, Record, Tag, record_tag
from crm.models.saved_view import SavedView
from crm.models.system import SystemState
from crm.models.task import Task
from crm.models.user import LoginFailure, Team, User, UserSession

__all__ = ["Attachment", "AuditLog", "Company", "Contact", "FieldDefinition", "LoginFailure",
           "Note", "Notification", "Outbox", "Phone", "Record", "Reminder", "SavedView",
           "Setting", "SystemState", "Tag", "Task", "Team", "User", "UserSession", "record_tag"]
