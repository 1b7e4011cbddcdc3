"""Carrier connectors: the sandbox, SMPP 3.4 (one bind or several routed by prefix), and an SMSC simulator."""

from __future__ import annotations


def build_connector(settings):
    """The connector the settings ask for: MPAAS_CARRIERS_FILE (router over SMPP carriers), else MPAAS_SMPP_URL
    (one SMPP carrier), else the sandbox. Raises CarrierConfigError with a clear message on bad values."""
    # deferred: every import of carriers.base runs this package first, and the API process needs only those
    # types; the connectors (aiosmpplib, about 0.1 s to import) load when a connector is built.
    from mpaas.carriers.config import load_carriers_file, parse_smpp_url
    from mpaas.carriers.dispatch import CarrierDispatcher
    from mpaas.carriers.sandbox import SandboxConnector
    from mpaas.carriers.smpp import SmppConnector

    carriers_file = getattr(settings, "carriers_file", None)
    smpp_url = getattr(settings, "smpp_url", None)
    if carriers_file is not None and str(carriers_file) in ("", "."):  # MPAAS_CARRIERS_FILE= (empty) means unset
        carriers_file = None
    if carriers_file:
        carriers = load_carriers_file(carriers_file)
        connectors = [(SmppConnector(c), c.prefixes, c.default) for c in carriers]
        default = next((conn for conn, _, is_default in connectors if is_default), None)
        return CarrierDispatcher([(conn, prefixes) for conn, prefixes, _ in connectors], default)
    if smpp_url:
        return SmppConnector(parse_smpp_url(smpp_url))
    return SandboxConnector(
        settings.sandbox_receipt_delay_seconds,
        settings.sandbox_fail_prefix_list,
        getattr(settings, "sandbox_no_receipt_prefix_list", []),
    )
