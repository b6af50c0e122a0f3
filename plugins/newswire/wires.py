"""The wires newswire knows and the hosts each publishes on (release pages, feeds, listing
pages). Shared by the source declarations (:mod:`newswire.discovery.sources`) and the
allow-list (:mod:`newswire.fetching.allowlist`); it imports nothing, so reading a source's
name (``newswire ingest --source``) costs no HTTP stack."""

WIRE_HOSTS = {
    "prnewswire": ("www.prnewswire.com", "prnewswire.com"),
    "newswireca": ("www.newswire.ca", "newswire.ca"),
    "globenewswire": ("www.globenewswire.com", "globenewswire.com"),
}
