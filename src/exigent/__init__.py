"""Exigent: the operations platform of a Trust & Safety emergency response team."""

__version__ = "0.1.0"
