"""Administration: staff accounts and API tokens, for holders of `users.manage`."""
