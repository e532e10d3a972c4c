"""The real-code corpus stays usable as a measure: every file cites its source and licence,
the manifest lists exactly the files there are, and the precision script runs over it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "third_party" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())


def load_precision_script():
    spec = importlib.util.spec_from_file_location("precision", REPO / "scripts" / "precision.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_manifest_lists_every_corpus_file_and_each_cites_its_source():
    on_disk = {str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*.py")}
    assert on_disk == set(MANIFEST["files"])
    for name, entry in MANIFEST["files"].items():
        first_line = (CORPUS / name).read_text().splitlines()[0]
        assert first_line.startswith(f"# Source: {entry['package']} {entry['version']} ")
        assert entry["source"] in first_line and entry["licence"] in first_line
        assert (CORPUS / name).parent.joinpath("LICENSE").is_file()
        assert set(entry["expect"]) <= {"capability", "encapsulation"}
        assert set(entry["expect"].values()) <= {"accepted", "flagged"}


def test_judgments_are_well_formed():
    for judgment in MANIFEST["judgments"]:
        assert judgment["file"] in MANIFEST["files"]
        assert judgment["profile"] in ("capability", "encapsulation")
        assert judgment["verdict"] in ("true-positive", "false-positive")
        assert judgment["why"].strip()


def test_the_precision_script_measures_both_profiles_and_no_judgment_is_stale():
    reports = load_precision_script().measure(CORPUS)
    assert [report.profile for report in reports] == ["capability", "encapsulation"]
    for report in reports:
        assert report.files == len(MANIFEST["files"])
        judged = report.true_positives + len(report.false_positives)
        assert judged + report.unjudged == sum(report.per_rule.values())
        # A judgment whose diagnostic is gone must be removed, or its figures lie.
        assert report.stale_judgments == []
