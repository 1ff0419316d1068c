"""Contributing: reading contributors' files, submit, fmt, the safe write."""
