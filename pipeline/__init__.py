"""Argument and stance mining for Danish and Swedish online debate threads.

Stages (one module each): ingest -> segment -> classify -> graph/export, plus review,
train and evaluate. All stages share the data model in `pipeline.core.schema`.
"""

__version__ = "0.1.0"
