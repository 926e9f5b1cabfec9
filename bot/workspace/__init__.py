"""The support-lead workspace: review conversations, curate training data, retrain safely.

Pages under /workspace and routes under /api/workspace on the helpdesk app (routes.py), and
the same operations as `python -m bot.workspace <command>` (__main__.py). Every edit lands as
a file in data/ or tests/, so it goes through git review like any other change.
"""
