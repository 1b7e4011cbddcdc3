"""ORM models, one module per domain. Importing this package registers every table on Base.metadata."""

from mpaas.models.base import Base
from mpaas.models.billing import BillingRun, Charge, ThresholdEvent, UsageCounter
from mpaas.models.calls import Call, CallEvent
from mpaas.models.carrier_binds import CarrierBindState
from mpaas.models.catalog import (
    Feature,
    FeatureAssignment,
    Package,
    PackageItem,
    Product,
    Profile,
    Service,
    ServiceItem,
    Subscription,
    Threshold,
    ThresholdAssignment,
)
from mpaas.models.guardian import CallFilter, GuardianAlert, GuardianAlertGate, GuardianFeatures, GuardianRelation
from mpaas.models.jobs import Job
from mpaas.models.message_filters import MessageFilter
from mpaas.models.messages import EarlyReceipt, Message, MessageMedia, MessagePart
from mpaas.models.numbers import (
    InventoryNumber,
    NumberAreaStock,
    NumberE911,
    NumberOrder,
    NumberVoicemail,
    PhoneNumber,
    PortRequest,
)
from mpaas.models.routes import MessageRoute, VoiceRoute
from mpaas.models.subscribers import Subscriber
from mpaas.models.tenancy import Account, Distributor, PlatformSecret
from mpaas.models.usage import DataPlan, RadiusSession, UsageRecord
from mpaas.models.voice_usage import VoiceUsage
from mpaas.models.webhooks import AccountWebhook, WebhookAttempt
from mpaas.models.workgroups import Schedule, Workgroup, WorkgroupMember

__all__ = [
    "CarrierBindState",
    "CallFilter",
    "GuardianAlert",
    "GuardianAlertGate",
    "GuardianFeatures",
    "GuardianRelation",
    "MessageFilter",
    "DataPlan",
    "NumberE911",
    "NumberVoicemail",
    "PortRequest",
    "RadiusSession",
    "UsageRecord",
    "VoiceUsage",
    "BillingRun",
    "Call",
    "CallEvent",
    "Charge",
    "Feature",
    "FeatureAssignment",
    "Package",
    "PackageItem",
    "Product",
    "Profile",
    "Service",
    "ServiceItem",
    "Subscription",
    "Threshold",
    "ThresholdAssignment",
    "ThresholdEvent",
    "UsageCounter",
    "AccountWebhook",
    "EarlyReceipt",
    "MessageMedia",
    "MessagePart",
    "WebhookAttempt",
    "Account",
    "Base",
    "Distributor",
    "InventoryNumber",
    "Job",
    "Message",
    "MessageRoute",
    "NumberAreaStock",
    "NumberOrder",
    "PhoneNumber",
    "PlatformSecret",
    "Subscriber",
    "VoiceRoute",
    "Schedule",
    "Workgroup",
    "WorkgroupMember",
]
