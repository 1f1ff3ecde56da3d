"""Notice new, changed and deleted digest files, and request exactly those partitions.

"Changed" is judged by content (SHA-256), against what the lake says was loaded for each date, so
a touched-but-identical file requests nothing and a date edited while Dagster was down is still
noticed. Hashes are cached by (size, mtime) in ``<data dir>/source/file_hashes.json`` so unchanged files
are not re-read; the cursor only says what the folder held at the last tick (days, files, newest day).
Consecutive changed dates become one single-run range; each request's run key names the dates and
their hashes, so the same change is never requested twice.

From a git repository, a tick is one fetch: when the head has not moved, nothing is read; when it has, git's
own diff names the changed days, and the cursor is just the commit requested last (each run carries it as the
``papertrend/commit`` tag).
"""

import datetime as dt
import hashlib
import json

import dagster as dg

from ...schemas import DIGEST_FILES
from ...sources.git import GitError, GitSource
from ...transforms.discovery import days_of, file_sha256
from ...warehouse import Lake
from ..resources import PapertrendConfig


def loaded_hashes(lake: Lake) -> dict[dt.date, str | None]:
    """Date -> SHA-256 of the file loaded for it (None for a day recorded without a file)."""
    return dict(lake.read_all(DIGEST_FILES).select("digest_date", "source_sha256").iter_rows())


def changed_dates(current: dict[dt.date, str], loaded: dict[dt.date, str | None]) -> list[dt.date]:
    """Dates whose file is new, different, or gone since it was loaded."""
    changed = {d for d, sha in current.items() if loaded.get(d, "<never loaded>") != sha}
    changed |= {d for d, sha in loaded.items() if sha is not None and d not in current}
    return sorted(changed)


def consecutive_ranges(dates: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(dates):
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


COMMIT_TAG = "papertrend/commit"


def _range_request(start: dt.date, end: dt.date, run_key: str, tags: dict[str, str] | None = None) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key,
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
            **(tags or {}),
        },
    )


def _repository_tick(context, papertrend: PapertrendConfig, source: GitSource, first: dt.date, last: dt.date):
    """A repository: one fetch; when the head moved, the days git's diff names since the commit last requested."""
    try:
        fetched = source.fetch()
    except GitError as exc:
        return dg.SkipReason(f"The repository could not be read: {exc}")
    requested = json.loads(context.cursor).get("commit") if context.cursor else None
    base = requested or source.loaded()
    if base == fetched.head:
        return dg.SkipReason(f"Nothing new: {fetched.head[:12]} is loaded. {fetched.note or ''}".strip())
    source.checkout(fetched.head)
    if base is None:
        days = [d for d in papertrend.discover() if first <= d <= last]
    else:
        days = sorted(d for d in days_of(source.changed_paths(base, fetched.head)) if first <= d <= last)
    if fetched.note:
        context.log.info(fetched.note)
    requests = [
        _range_request(start, end, f"{fetched.head[:12]}:{start}..{end}", {COMMIT_TAG: fetched.head})
        for start, end in consecutive_ranges(days)
    ]
    return dg.SensorResult(run_requests=requests, cursor=json.dumps({"commit": fetched.head}))


def build_digest_sensor(job, partitions_def: dg.DailyPartitionsDefinition):
    @dg.sensor(
        name="digest_files_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description=(
            "Requests the partitions whose digest file is new, changed (by content hash) or deleted; for a git "
            "repository, fetches it and requests the days whose files changed since the commit last requested."
        ),
    )
    def digest_files_sensor(context: dg.SensorEvaluationContext, papertrend: PapertrendConfig):
        first_key = partitions_def.get_first_partition_key()
        if first_key is None:  # the first day has not ended yet: no partition exists to request
            return dg.SkipReason("No digest partition yet: the first day has not ended.")
        first = dt.date.fromisoformat(first_key)
        last_key = partitions_def.get_last_partition_key()
        last = dt.date.fromisoformat(last_key) if last_key else first - dt.timedelta(days=1)
        source = papertrend.git()
        if source is not None:
            return _repository_tick(context, papertrend, source, first, last)
        cache_file = papertrend.data.source_dir / "file_hashes.json"
        cache: dict[str, list] = json.loads(cache_file.read_text()) if cache_file.exists() else {}
        current: dict[dt.date, str] = {}
        new_cache: dict[str, list] = {}
        for day, source in papertrend.discover().items():
            if not first <= day <= last:
                continue
            digest = hashlib.sha256()
            for path in source.paths:  # a conflict of two files hashes both, so either changing counts
                stat = path.stat()
                key = str(path)
                cached = cache.get(key)
                sha = cached[2] if cached and cached[:2] == [stat.st_size, stat.st_mtime_ns] else file_sha256(path)
                new_cache[key] = [stat.st_size, stat.st_mtime_ns, sha]
                digest.update(sha.encode())
            current[day] = new_cache[str(source.path)][2] if len(source.paths) == 1 else digest.hexdigest()
        loaded = {d: s for d, s in loaded_hashes(papertrend.data.lake).items() if first <= d <= last}
        requests = []
        for start, end in consecutive_ranges(changed_dates(current, loaded)):
            span = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
            run_key = hashlib.sha256(json.dumps([[d.isoformat(), current.get(d)] for d in span]).encode()).hexdigest()[
                :16
            ]
            requests.append(_range_request(start, end, f"{start}..{end}:{run_key}"))
        if new_cache != cache:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            partial = cache_file.with_suffix(".tmp")
            partial.write_text(json.dumps(new_cache))
            partial.replace(cache_file)  # whole or not at all: a tick killed mid-write leaves the old cache
        seen = {
            "days": len(current),
            "files": len(new_cache),
            "newest_day": max(current).isoformat() if current else None,
        }
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(seen))

    return digest_files_sensor
