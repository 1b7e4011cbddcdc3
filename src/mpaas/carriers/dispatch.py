"""Several carriers behind one Connector: the longest destination prefix wins, else the default carrier."""

from __future__ import annotations

from mpaas.carriers.base import CarrierEvents, CarrierRejected, Connector, OutboundSms, QueryResult, SubmitResult


class CarrierDispatcher:
    name = "router"

    def __init__(self, routes: list[tuple[Connector, tuple[str, ...]]], default: Connector | None = None):
        self.connectors = [connector for connector, _ in routes]
        if default is not None and default not in self.connectors:
            self.connectors.append(default)
        # longest prefix first
        self._table = sorted(
            ((prefix, connector) for connector, prefixes in routes for prefix in prefixes),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self.default = default

    def route(self, destination: str) -> Connector | None:
        number = destination if destination.startswith("+") else "+" + destination
        for prefix, connector in self._table:
            if number.startswith(prefix):
                return connector
        return self.default

    async def start(self, events: CarrierEvents) -> None:
        started = []
        try:
            for connector in self.connectors:
                await connector.start(events)
                started.append(connector)
        except BaseException:
            for connector in started:
                await connector.stop()
            raise

    async def stop(self) -> None:
        for connector in self.connectors:
            await connector.stop()

    def state(self) -> dict:
        return {
            "name": self.name,
            "kind": "router",
            "bound": all(c.state().get("bound") for c in self.connectors),
            "carriers": [c.state() for c in self.connectors],
            "default": self.default.name if self.default is not None else None,
        }

    async def submit(self, sms: OutboundSms) -> SubmitResult:
        connector = self.route(sms.destination)
        if connector is None:
            raise CarrierRejected("NO_ROUTE", f"no carrier routes {sms.destination}")
        return await connector.submit(sms)

    async def query(self, carrier: str, carrier_message_id: str, source: str, destination: str) -> QueryResult | None:
        """Asked of the member carrier the part was recorded under (its receipts come under that name too)."""
        for connector in self.connectors:
            if connector.name == carrier:
                query = getattr(connector, "query", None)
                return None if query is None else await query(carrier, carrier_message_id, source, destination)
        return None
