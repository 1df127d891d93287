"""Staffing: 24/7 rosters. The benchmark-format model is parsed, solved and checked here."""
