"""An agency's report as an XLSX workbook: built pre-filled (``builder``), read back and checked
cell by cell (``reader``), its mistakes marked in the user's own file (``marker``), applied
through the report services (``importer``). ``layout`` is what the builder writes and the reader
expects: sheets, columns, fields and the identity sheet."""
