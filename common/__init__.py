"""Pieces shared by `index/` and `bot/`: settings and the error hierarchy."""
