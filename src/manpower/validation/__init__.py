"""Validation: the Table Schema engine (columnar), the semantic rules, the runner."""
