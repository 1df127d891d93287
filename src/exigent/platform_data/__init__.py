"""The platform's user data, reached only through an adapter (`adapter.py`)."""
