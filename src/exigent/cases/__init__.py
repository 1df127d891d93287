"""The case kernel: cases, requesters, targets, documents, the lifecycle, the timeline and
who may read what. It imports no domain; domains build on it."""
