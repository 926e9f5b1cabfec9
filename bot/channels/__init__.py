"""Rasa input channels: our subclasses of Rasa's stock channels, one module per platform.

The messaging channels (Telegram, Slack, Facebook Messenger, Twilio SMS/WhatsApp) change
only what we need: the user's locale into message metadata, the platform's request
signature checked, an overridable API base URL (tests point it at a local recorder) and
our formatting. `credentials.py` turns environment variables into Rasa's credentials file.
"""
