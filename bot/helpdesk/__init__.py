"""The human ticket queue: store, priority rules, HTTP service and the bot's client.

`python -m bot.helpdesk --port 8000` runs the service (bot/helpdesk/__main__.py).
"""
