"""Domain vocabulary and validated input models."""
