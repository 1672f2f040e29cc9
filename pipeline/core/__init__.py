"""The data model and its storage: schema, stage files, config, errors, lineage."""
