"""Import of plan tables from the Word and Excel files provinces already have.

``reader`` turns a .docx/.xlsx into grids of cell texts (checking the file first), ``parser``
finds the plan table in them and ``service`` creates the plan, all or nothing.
"""

from .reader import PlanImportError, read_document

__all__ = ["PlanImportError", "read_document"]
