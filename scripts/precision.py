#!/usr/bin/env python3
"""How precise the verifier is on real third-party code, per profile.

For each profile: the files checked and accepted, the diagnostics per rule, the files whose
verdict differs from the one the manifest expects, and the diagnostics read by hand: how
many were judged true and false positives, with the false ones listed. Precision is true
over judged; diagnostics nobody has judged yet are counted apart, never guessed at.

    python scripts/precision.py [--corpus tests/third_party/corpus] [--json]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import ocapy

PROFILES = ("capability", "encapsulation")
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "third_party" / "corpus"


@dataclass
class ProfileReport:
    profile: str
    files: int = 0
    accepted: int = 0
    per_rule: collections.Counter[str] = field(default_factory=collections.Counter)
    unexpected: list[str] = field(default_factory=list)
    true_positives: int = 0
    false_positives: list[str] = field(default_factory=list)
    unjudged: int = 0
    stale_judgments: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        judged = self.true_positives + len(self.false_positives)
        return self.true_positives / judged if judged else None


def measure(corpus: Path) -> list[ProfileReport]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    reports = []
    for profile in PROFILES:
        report = ProfileReport(profile)
        judgments = {
            (j["file"], j["line"], j["code"]): j
            for j in manifest["judgments"]
            if j["profile"] == profile
        }
        seen = set()
        for name, entry in sorted(manifest["files"].items()):
            diagnostics = ocapy.verify(
                (corpus / name).read_bytes(), filename=name, profile=profile, target_version="3.10"
            )
            report.files += 1
            report.accepted += not diagnostics
            verdict = "flagged" if diagnostics else "accepted"
            expected = entry["expect"].get(profile)
            if expected is not None and expected != verdict:
                report.unexpected.append(f"{name}: {verdict}, expected {expected}")
            for diagnostic in diagnostics:
                report.per_rule[diagnostic.code] += 1
                key = (name, diagnostic.line, diagnostic.code)
                judgment = judgments.get(key)
                seen.add(key)
                if judgment is None:
                    report.unjudged += 1
                elif judgment["verdict"] == "true-positive":
                    report.true_positives += 1
                else:
                    report.false_positives.append(
                        f"{name}:{diagnostic.line} {diagnostic.code}: {judgment['why']}"
                    )
        report.stale_judgments = [
            f"{file}:{line} {code}" for (file, line, code) in judgments if (file, line, code) not in seen
        ]
        reports.append(report)
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args()
    reports = measure(arguments.corpus)
    if arguments.json:
        json.dump(
            [{**report.__dict__, "precision": report.precision} for report in reports],
            sys.stdout,
            indent=2,
        )
        print()
        return
    for report in reports:
        print(f"== {report.profile}: {report.accepted} of {report.files} files accepted")
        for code, count in sorted(report.per_rule.items()):
            print(f"  {code}: {count}")
        judged = report.true_positives + len(report.false_positives)
        precision = "n/a" if report.precision is None else f"{report.precision:.2f}"
        print(
            f"  judged {judged} of {sum(report.per_rule.values())} diagnostics: "
            f"{report.true_positives} true, {len(report.false_positives)} false "
            f"(precision {precision}); {report.unjudged} not yet judged"
        )
        for line in report.false_positives:
            print(f"  false positive: {line}")
        for line in report.unexpected:
            print(f"  unexpected verdict: {line}")
        for line in report.stale_judgments:
            print(f"  stale judgment (no such diagnostic any more): {line}")


if __name__ == "__main__":
    main()
