"""Custom Rasa NLU components (GraphComponents) and the logic behind them."""

# Only this many characters of a message are analysed; the rest cannot change its
# language or intent, and some segmenters (SudachiPy) reject very long input.
MAX_ANALYSED_CHARS = 2000
