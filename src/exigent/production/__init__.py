"""Productions: scoped collection, sealed packages, delivery, custody and preservation."""
