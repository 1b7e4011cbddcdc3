"""ORM models, one module per domain. Importing this package registers every table on Base.metadata."""

from mpaas.models.base import Base
from mpaas.models.jobs import Job
from mpaas.models.messages import Message
from mpaas.models.numbers import InventoryNumber, NumberAreaStock, NumberOrder, PhoneNumber
from mpaas.models.routes import MessageRoute, VoiceRoute
from mpaas.models.subscribers import Subscriber
from mpaas.models.tenancy import Account, Distributor, PlatformSecret

__all__ = [
    "Account", "Base", "Distributor", "InventoryNumber", "Job", "Message", "MessageRoute",
    "NumberAreaStock", "NumberOrder", "PhoneNumber", "PlatformSecret", "Subscriber", "VoiceRoute",
]
