"""Requester verification and fraud defence: who is asking, and how likely it is a fake."""
