"""The answering service (retrieve -> answer -> cite, memory, briefings) and its two thin
adapters: the Telegram front end and the CLI."""
