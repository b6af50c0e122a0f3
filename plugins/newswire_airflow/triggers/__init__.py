"""Triggers run by the triggerer: the feed watcher (:mod:`.feed_watch`)."""
