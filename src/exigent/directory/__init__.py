"""Agency directories built from public data: the real agencies and the domains they use."""
