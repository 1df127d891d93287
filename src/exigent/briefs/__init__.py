"""Briefs: the hand-off between shifts and critical-event briefs to legal and leadership."""
