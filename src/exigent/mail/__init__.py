"""Email intake: .eml files, uploads and a maildir poller."""
