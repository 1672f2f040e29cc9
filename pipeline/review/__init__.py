"""Review: batches for annotators, their labels as gold, agreement and adjudication."""
