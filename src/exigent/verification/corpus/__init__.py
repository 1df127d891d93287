"""A generator of labelled emergency requests (genuine and fraudulent) for training and
held-out evaluation of the fraud score. See README.md in this folder."""
