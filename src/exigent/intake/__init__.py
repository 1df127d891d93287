"""Intake: requests become cases, in batches, each committed before it is acknowledged."""
