"""Notifiers (``BaseNotifier``): the DAGs' failure summary (:mod:`.failure_summary`) and
webhooks (:mod:`.webhook`, through which the watchlists' alerts go)."""
