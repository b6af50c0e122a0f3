"""The evaluation (eval/evaluate.py): its body metric on hand-made cases, and newswire ahead of
trafilatura on the labelled pages (skipped when the `eval` extra is not installed)."""

import importlib.util
import sys

import pytest

from tests.support import FIXTURES, ROOT
from tests.support.corpus import shared

EVALUATE = ROOT / "eval" / "evaluate.py"


def _load():
    # eval/ is a script folder, not a package (and `eval` is a builtin): load it by path,
    # registered in sys.modules so its dataclasses can resolve their module.
    spec = importlib.util.spec_from_file_location("newswire_eval", EVALUATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ev = _load()


# -- the metric ----------------------------------------------------------------------------


def test_tokens_lowercase_and_strip_punctuation_at_the_edges_only():
    assert ev.tokens('"Hello," she said—') == ["hello", "she", "said"]
    assert ev.tokens("U.S. e-mail (NASDAQ: WDAY) -- ok") == [
        "u.s",
        "e-mail",
        "nasdaq",
        "wday",
        "ok",
    ]
    assert ev.tokens("  \n ") == [] and ev.tokens(None) == []


def test_identical_texts_score_one():
    text = "Workday, Inc. (NASDAQ: WDAY) today announced the appointment of Emma Chalwin."
    assert ev.body_prf(text, text) == (1.0, 1.0, 1.0)
    # only case, punctuation at word edges and layout differ: still identical as tokens
    assert ev.body_prf(
        "workday inc nasdaq wday today announced the appointment of emma chalwin", text
    ) == (1.0, 1.0, 1.0)


def test_disjoint_texts_score_zero():
    assert ev.body_prf("alpha beta gamma", "delta epsilon") == (0.0, 0.0, 0.0)


def test_empty_sides():
    assert ev.body_prf("", "") == (1.0, 1.0, 1.0)
    assert ev.body_prf(None, "some words") == (0.0, 0.0, 0.0)
    assert ev.body_prf("some words", "") == (0.0, 0.0, 0.0)


def test_partial_overlap_counts_repeated_tokens_as_a_multiset():
    # predicted "The cat, the hat." -> [the, cat, the, hat]   (4 tokens)
    # reference "the cat sat"       -> [the, cat, sat]        (3 tokens)
    # overlap: the = min(2, 1) = 1, cat = min(1, 1) = 1       -> 2
    # precision = 2/4 = 0.5, recall = 2/3,
    # F1 = 2 * 0.5 * (2/3) / (0.5 + 2/3) = (2/3) / (7/6) = 4/7 = 0.5714...
    assert ev.token_overlap("The cat, the hat.", "the cat sat") == (2, 4, 3)
    precision, recall, f1 = ev.body_prf("The cat, the hat.", "the cat sat")
    assert precision == pytest.approx(0.5)
    assert recall == pytest.approx(2 / 3)
    assert f1 == pytest.approx(4 / 7)


def test_micro_pools_counts_and_macro_averages_pages():
    group = ev.GroupResult("x")
    group.pages = [
        ev.PageResult("a", None, [], {"newswire": ev.Overlap(2, 4, 3)}, False),
        ev.PageResult("b", None, [], {"newswire": ev.Overlap(6, 6, 6)}, False),
    ]
    # micro: (2 + 6) / (4 + 6) = 0.8 precision, (2 + 6) / (3 + 6) = 8/9 recall
    assert group.micro("newswire")[:2] == pytest.approx((0.8, 8 / 9))
    # macro: mean of (0.5, 1.0) and of (2/3, 1.0)
    assert group.macro("newswire")[:2] == pytest.approx((0.75, 5 / 6))


# -- the evaluation on labelled pages ------------------------------------------------------


def test_newswire_beats_trafilatura_on_the_labelled_pages():
    pytest.importorskip("trafilatura")
    shared("real")
    results = ev.evaluate(ev.real_pages() + ev.sample_pages(20))
    dev, test, sample = results["dev"], results["test"], results["sample"]
    assert len(dev.pages) >= 5 and len(test.pages) >= 3 and len(sample.pages) == 20
    # the test set is measured, never asserted (it is not tuned on)
    for group in (dev, sample):
        assert [(p.name, p.mismatches) for p in group.pages if p.mismatches] == []
    for average in (dev.micro, dev.macro):
        assert average("newswire").f1 >= 0.99
        assert average("newswire").f1 >= average("trafilatura").f1
    for page in (p for p in dev.pages if p.body):  # a page to be refused has no body
        assert page.body_prf("newswire").f1 >= 0.99, page.name
        assert page.body_prf("newswire").f1 >= page.body_prf("trafilatura").f1, page.name
    # the next template change: every class renamed, every field as on the known template
    assert [(p.name, p.renamed_mismatches) for p in dev.pages if p.renamed_mismatches] == []
    for page in (p for p in dev.pages if p.body):
        assert page.body_prf("renamed").f1 >= 0.98, page.name
        assert page.body_prf("renamed").f1 >= page.body_prf("trafilatura").f1, page.name
    report = ev.render(
        results,
        command="test",
        when="now",
        parser_version="v",
        traf_version=ev.trafilatura_version(),
    )
    for tool in ("newswire (known template)", "newswire (renamed classes)", "trafilatura"):
        assert f"| {tool} |" in report
    assert report.count("### Per page and field: known template / renamed classes") == 2
    assert report.index("## Test set") < report.index("## Development set")
    for group in (dev, test):  # one row per template, with its page count
        templates = [p.template for p in group.pages]
        for template in set(templates):
            assert f"| {template} | {templates.count(template)} | " in report


def test_a_page_that_must_be_refused_scores_its_refusal_only():
    copy = (FIXTURES / "constructed" / "portal_copy_of_a_prnewswire_release.html").read_bytes()
    refused = ev.Page("copy", "test", copy, None, {"reject": "not_a_wire_page"}, "t")
    group = ev.GroupResult("test")
    result = ev.evaluate_page(refused, group, with_trafilatura=False)
    assert result.body == {} and result.mismatches == []
    assert (group.fields().right, group.fields().total) == (1, 1)
    assert result.newswire_error.startswith("not_a_wire_page:")
    wrong = ev.Page("x", "test", copy, None, {"reject": "too_large"}, "t")
    assert ev.evaluate_page(wrong, group, with_trafilatura=False).mismatches == [
        ("reject", "too_large", result.newswire_error)
    ]
