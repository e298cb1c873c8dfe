"""The story core: loading, indexing and searching. Never imports discord."""
