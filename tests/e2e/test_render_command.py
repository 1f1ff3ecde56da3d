"""`papertrend render`: a day written back as a digest parses to the same entries (prose aside).

The entries of the unit tests are SYNTHETIC; the CLI test reads the bundled examples (facts of real
digests) and tests/e2e/test_corpus_runs.py repeats it over all 136 real digests.
"""

from papertrend.transforms.digest_parser import parse_digest
from papertrend.transforms.discovery import discover_digests
from papertrend.transforms.render import render_digest
from tests.conftest import EXAMPLES, run_cli
from tests.helpers import facts, lines


def test_render_command_gives_back_every_example_day(examples_warehouse, capsys, tmp_path):
    days = discover_digests(EXAMPLES)
    for day, source in sorted(days.items()):
        out = tmp_path / f"{day}.md"
        code, printed, err = run_cli(capsys, "render", day.isoformat(), "--out", out, "--data-dir", examples_warehouse)
        assert code == 0, err
        original = parse_digest(source.path.read_bytes(), source.relative_path, day)
        assert f"{len(original.entries)} entries written to {out}" in printed
        assert facts(parse_digest(out.read_bytes(), source.relative_path, day).entries) == facts(original.entries)
        # facts-only digests (as bundled) come back line for line, but for spaces that ended a line
        assert lines(out.read_text(encoding="utf-8")) == lines(source.path.read_text(encoding="utf-8")), day
    # to standard output; a day without a digest is refused with the reason
    first = min(days)
    code, printed, _ = run_cli(capsys, "render", first.isoformat(), "--data-dir", examples_warehouse)
    assert code == 0 and printed == render_digest(
        first, parse_digest(days[first].path.read_bytes(), "x", first).entries
    )
    code, _, err = run_cli(capsys, "render", "2026-03-14", "--data-dir", examples_warehouse)
    assert code != 0 and "2026-03-14: no digest in the warehouse, and none derived (digest_files says missing)" in err
