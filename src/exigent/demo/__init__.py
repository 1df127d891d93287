"""Realistic demo data: agencies from public directories, people, cases in every state."""
