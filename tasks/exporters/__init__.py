"""Document exporters: one contract, one small registry (see base.py)."""
