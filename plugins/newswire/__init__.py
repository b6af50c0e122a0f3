"""newswire: scheduled press-release ingestion from PR Newswire and sibling wires."""

__version__ = "0.1.0"
