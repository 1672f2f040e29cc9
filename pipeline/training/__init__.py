"""Training and evaluation of the models on the gold, with grouped cross-validation."""
