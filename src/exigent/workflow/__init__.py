"""What wires the domains together: the deadline handlers each domain offers and the checks
each contributes to approval, assembled once at start-up. A new domain is a package plus one
line here (see docs/architecture.md)."""
