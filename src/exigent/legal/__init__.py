"""Legal basis: the policy tables, the engine that applies them, decisions and approvals."""
