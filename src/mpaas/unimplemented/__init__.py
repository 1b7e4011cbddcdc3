"""The contract's operations this server does not implement yet: each answers 501 in the vendor envelope."""
