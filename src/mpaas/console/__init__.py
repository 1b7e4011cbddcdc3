"""The web console at /console: server-rendered pages (Jinja2) for subscribers, distributors and the operator.

Every action calls the same service functions as the API's handlers, with a `Principal` built from the signed-in
session, so tenancy and validation are the API's own (docs/console.md)."""
