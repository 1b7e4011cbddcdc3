"""Per-account, per-period statements built from the ledger: lines grouped by package, a total that is the
exact sum of the charges. Also the billing extension's presenters: the wire records of charges, statements,
threshold events and runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.billing import engine, repository
from mpaas.core.errors import missing
from mpaas.models import BillingRun, Charge, ThresholdEvent


@dataclass
class PackageLine:
    package_id: str
    package_name: str
    subscriptions: set[str] = field(default_factory=set)
    amount: Decimal = Decimal("0")


@dataclass
class Statement:
    account_id: str
    account_name: str
    period: str
    currency: str
    charges: list[Charge]
    lines: list[PackageLine]
    total: Decimal


def amount_text(amount: Decimal) -> str:
    """Money on the extension API is a string with two decimals: exact, never a float."""
    return str(engine.round_money(amount))


async def build(session: AsyncSession, account_id: str, period: str, currency: str) -> Statement:
    account = await repository.account(session, account_id)
    if account is None:
        raise missing("account", account_id)
    charges = await repository.charges(session, account.id, period)
    lines: dict[str, PackageLine] = {}
    for charge in charges:
        line = lines.setdefault(charge.package_id, PackageLine(charge.package_id, charge.package_name))
        line.subscriptions.add(charge.subscription_id)
        line.amount += charge.amount
    currencies = {c.currency for c in charges}
    return Statement(
        account.id,
        account.company_name,
        period,
        currencies.pop() if len(currencies) == 1 else currency,
        charges,
        list(lines.values()),
        sum((c.amount for c in charges), Decimal("0")),
    )


async def charges(session: AsyncSession, account_id: str, period: str) -> list[Charge]:
    """An account's charges in a period, in the order they were written."""
    return await repository.charges(session, account_id, period)


def charge_wire(charge: Charge) -> dict:
    return {
        "ChargeId": charge.id,
        "SubscriptionId": charge.subscription_id,
        "PackageId": charge.package_id,
        "PackageName": charge.package_name,
        "Period": charge.period,
        "Kind": charge.kind,
        "Description": charge.description,
        "Amount": amount_text(charge.amount),
        "Currency": charge.currency,
        "CreatedOn": charge.created_at.isoformat(),
    }


def statement_wire(statement: Statement) -> dict:
    return {
        "AccountId": statement.account_id,
        "AccountName": statement.account_name,
        "Period": statement.period,
        "Currency": statement.currency,
        "Rounding": "ROUND_HALF_EVEN to 0.01 per charge",
        "Lines": [
            {
                "PackageId": line.package_id,
                "PackageName": line.package_name,
                "Subscriptions": len(line.subscriptions),
                "Amount": amount_text(line.amount),
            }
            for line in statement.lines
        ],
        "TotalCharges": len(statement.charges),
        "Total": amount_text(statement.total),
    }


def threshold_event_wire(event: ThresholdEvent) -> dict:
    return {
        "ThresholdId": event.threshold_id,
        "SubscriptionId": event.subscription_id,
        "AccountId": event.account_id,
        "Action": event.action,
        "Usage": event.usage,
        "CreatedOn": event.created_at.isoformat(),
    }


def run_wire(run: BillingRun) -> dict:
    return {
        "Period": run.period,
        "Status": run.status,
        "SubscriptionsBilled": run.subscriptions_billed,
        "CompletedOn": run.completed_at.isoformat() if run.completed_at else None,
    }
