"""The build stage: seed sheets (CSV, TSV, XLSX) and their mapping become the knowledge graph and
the origin index; the editing workbook, ``mscowl init`` and synthetic seeds for the benchmark."""
