"""The auditors' screens: the audit log viewer (page and API) and the chain's verification."""
