"""Validation: the two Table Schema engines, the semantic rules, the runner."""
