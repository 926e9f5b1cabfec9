"""Kestrel Shop multilingual support assistant: our own Python code."""
