"""Rule-agnostic knowledge shared by the checks: scopes, names, usage, API tables."""
