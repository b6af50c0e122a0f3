"""Discovery: which release pages a run should fetch (feeds, listing pages, windows)."""
