"""Emerging topics: purity and recall of the recovered clusters, run-to-run stability, and time,
measured on SYNTHETIC posts (`duluan.analysis.emerging_synthetic`): five invented new issues,
each with its own vocabulary, mixed into everyday noise posts; 15% of posts are typed without
diacritics.

    .venv/bin/python -m benchmarks.emerging
    DULUAN_BENCH_EMERGING_DOCUMENTS=20000 .venv/bin/python -m benchmarks.emerging   (smaller)

Definitions:
- a recovered cluster belongs to the issue most of its members were written about (noise when
  most are noise posts: a spurious cluster); purity is that majority's share of its members;
- recall of an issue: its posts inside the cluster that belongs to it, over its posts;
- stability: the same posts in another order must give the same clusters and labels; across two
  runs where the second sees 10% more posts, the share of issues whose cluster keeps its identity
  (matched as `emerging_store.run` matches them) and the Jaccard overlap of their members.
"""

from __future__ import annotations

import json
import os
import random
import resource
import time
from collections import Counter
from pathlib import Path

from duluan.analysis import emerging
from duluan.analysis.emerging_store import match
from duluan.analysis.emerging_synthetic import ISSUES, SyntheticSet, generate
from duluan.analysis.taxonomy import classify

DOCUMENTS = int(os.environ.get("DULUAN_BENCH_EMERGING_DOCUMENTS", "50000"))
SEED = int(os.environ.get("DULUAN_BENCH_EMERGING_SEED", "5"))
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _owners(groups: list[emerging.Group], data: SyntheticSet) -> list[tuple[str | None, int]]:
    """(issue or None, majority count) of each group."""
    return [Counter(data.truth[m] for m in g.members).most_common(1)[0] for g in groups]


def quality(noise: int, per_issue: int) -> None:
    data = generate(noise, per_issue, seed=SEED)
    groups = emerging.cluster(data.entries)
    owners = _owners(groups, data)
    spurious = sum(1 for issue, _ in owners if issue is None)
    found = {issue: n for issue, n in owners if issue is not None}
    members = sum(len(g.members) for g, (issue, _) in zip(groups, owners, strict=True) if issue)
    purity = sum(found.values()) / members if members else 0.0
    recall = sum(found.get(issue, 0) for issue in ISSUES) / (per_issue * len(ISSUES))
    print(
        f"  {per_issue:>4} posts/issue in {noise:>6} noise: issues found {len(found)}/{len(ISSUES)}"
        f"  purity {purity:.3f}  recall {recall:.3f}  spurious clusters {spurious}"
    )


def stability(noise: int, per_issue: int) -> None:
    data = generate(noise, per_issue, seed=SEED)
    first = emerging.cluster(data.entries)
    shuffled = list(data.entries)
    random.Random(SEED).shuffle(shuffled)  # noqa: S311 - reproducible benchmark data
    same = emerging.cluster(shuffled) == first == emerging.cluster(data.entries)
    print(f"  same posts, any order → identical clusters and labels: {same}")
    cut = int(len(data.entries) / 1.1)
    earlier = emerging.cluster(data.entries[:cut])
    previous = [(k, set(g.members), set(g.terms)) for k, g in enumerate(earlier)]
    matched = match(first, previous)
    owners_now = _owners(first, data)
    owners_then = _owners(earlier, data)
    kept = [
        k for k, j in matched.items() if owners_now[k][0] and owners_now[k][0] == owners_then[j][0]
    ]
    overlap = [
        len(set(first[k].members) & set(earlier[matched[k]].members))
        / len(set(first[k].members) | set(earlier[matched[k]].members))
        for k in kept
    ]
    issues = sum(1 for issue, _ in owners_now if issue)
    print(
        f"  second run with 10% more posts: {len(kept)}/{issues} issues keep their identity, "
        f"member overlap {min(overlap, default=0):.2f}–{max(overlap, default=0):.2f}"
    )
    for group in first:
        print(f"    {len(group.members):>5}  {group.label}")


def timing(documents: int) -> None:
    per_issue = max(documents // 200, 10)
    data = generate(documents - per_issue * len(ISSUES), per_issue, seed=SEED)
    started = time.perf_counter()
    groups = emerging.cluster(data.entries)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  {len(data.entries):,} posts: {seconds:.1f} s on one core, {len(groups)} clusters, "
        f"peak memory of the process {peak:.0f} MiB"
    )


def realistic_noise(per_issue: int) -> None:
    """The issues mixed into the project's own corpus texts that no default topic query matches
    (invented but natural posts, comments and report sentences): what the platform would feed."""
    texts = [
        json.loads(line)["text"]
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    unclassified = [text for text in texts if classify(text) == ["other"]]
    issues = generate(0, per_issue, seed=SEED)
    offset = len(unclassified)
    entries = [emerging.Entry(i, text) for i, text in enumerate(unclassified)]
    entries += [emerging.Entry(e.id + offset, e.text) for e in issues.entries]
    data = SyntheticSet(entries, {e.id: issues.truth.get(e.id - offset) for e in entries})
    groups = emerging.cluster(entries)
    owners = _owners(groups, data)
    found = {issue: n for issue, n in owners if issue is not None}
    members = sum(len(g.members) for g, (issue, _) in zip(groups, owners, strict=True) if issue)
    print(
        f"  {per_issue} posts/issue in {offset:,} unclassified corpus texts: issues found "
        f"{len(found)}/{len(ISSUES)}  purity {sum(found.values()) / max(members, 1):.3f}  "
        f"recall {sum(found.values()) / (per_issue * len(ISSUES)):.3f}"
    )
    for group, (issue, _) in zip(groups, owners, strict=True):
        if issue is None:
            print(f"    from the corpus itself: {len(group.members):>3}  {group.label}")


def main() -> None:
    print("emerging topics (SYNTHETIC posts; python -m benchmarks.emerging)")
    print("quality by issue size:")
    for per_issue in (5, 8, 15, 30, 100):
        quality(5_000, per_issue)
    quality(DOCUMENTS - 300 * len(ISSUES), 300)
    realistic_noise(30)
    print("stability:")
    stability(5_000, 30)
    print("time:")
    timing(DOCUMENTS)


if __name__ == "__main__":
    main()
