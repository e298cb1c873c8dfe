"""Storykeeper: a bot that knows a story by heart."""
