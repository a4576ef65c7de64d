"""The governance benchmark's generator: the files and the truth it measures against."""

from __future__ import annotations

from collections import Counter

from bench import bench_governance


def test_generator_writes_three_files_with_the_overlap_and_the_variations() -> None:
    contents, truth = bench_governance.generate(seed=1, rows=200)
    assert len(contents) == 3 and all(len(ids) == 200 for ids in truth)
    in_files = Counter(firm for ids in truth for firm in set(ids))
    shared = sum(1 for ids in truth for firm in ids if in_files[firm] > 1)
    assert shared >= 3 * 40  # each file's 20 % come from the others (and are matched there too)
    text = contents[0].decode()
    lines = text.splitlines()
    assert lines[0].startswith("siren;nom;adresse") and len(lines) == 201
    assert sum(1 for line in lines[1:] if line.startswith(";")) > 40  # SIREN missing on some rows
    assert any(line.split(";")[1].isupper() for line in lines[1:])  # names in capitals
