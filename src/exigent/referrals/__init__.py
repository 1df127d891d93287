"""Proactive referrals: risks the team finds itself, assessed and told to who must know."""
