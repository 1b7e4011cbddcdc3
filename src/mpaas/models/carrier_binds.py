"""The carrier binds' state as the process holding them last reported it (the console's operator page).

In the production layout `mpaas gateway` holds the binds and serves no HTTP; the API processes that serve the
console would otherwise know only that some process holds the bind lease. The holder writes each carrier's state
here every few seconds (carriers/gateway.py), so any process can show it, with how old it is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from mpaas.models.base import Base, JSONType, UTCDateTime


class CarrierBindState(Base):
    __tablename__ = "carrier_bind_states"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # the carrier's name in the connector's state
    state: Mapped[dict] = mapped_column(JSONType)  # Connector.state() of that carrier, as it was
    holder: Mapped[str] = mapped_column(String(200))  # who reported it: "pid 1234 on host"
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
