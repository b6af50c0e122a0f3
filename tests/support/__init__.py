"""Helpers shared by the test layers (imported as ``tests.support``; never a test module)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
FIXTURES = ROOT / "tests" / "fixtures"  # what the project wrote: labels, constructed pages
