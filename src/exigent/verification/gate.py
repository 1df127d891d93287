"""Plugs the case's verification status into legal approval's verification seam."""

from __future__ import annotations

from exigent.legal.approval import VerificationGate, set_verification_gate
from exigent.verification.service import verification_status


def install_verification_gate() -> VerificationGate:
    """Make approval of a disclosure wait for a passed verification; returns the old gate."""
    return set_verification_gate(verification_status)
