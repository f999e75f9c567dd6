"""The Telegram front end: a thin adapter from Bot API updates to the answering service."""
