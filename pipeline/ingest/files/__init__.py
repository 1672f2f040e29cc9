"""Ingest's thread files: researchers' own tables (JSONL, CSV, workbooks) and the exports of
other tools (`pipeline.formats`), read, validated and spilled row by row, archives unpacked."""
