"""Agency directories built from public data: who the real agencies are and which domains they use."""
