"""Imports every exporter module so each registers itself."""

from . import plan_docx, plan_pdf, plan_xlsx  # noqa: F401
