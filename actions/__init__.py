"""Custom actions: thin translators between the tracker and bot/."""
