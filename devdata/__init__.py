"""Development data: the seed documents, demo accounts and reports, national-scale data.

Not part of the product: production settings install it only on request (COOPPLAN_DEVDATA=1,
as the load test does). It sits above every app and may import any of them; no product app
imports it (tests/test_architecture.py).
"""
