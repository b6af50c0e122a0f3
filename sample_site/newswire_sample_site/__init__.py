"""A deterministic loopback web site shaped like www.prnewswire.com.

Tests, the demo and benchmarks ingest from it: ``with SampleSite(count=120) as site:`` serves
``site.base_url``; ``site.releases[i].expected`` is the true record of release ``i``.
"""

from newswire_sample_site.releases import SampleRelease, generate_releases
from newswire_sample_site.server import SampleSite

__all__ = ["SampleRelease", "SampleSite", "generate_releases"]
