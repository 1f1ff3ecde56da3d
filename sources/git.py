"""The digests' git repository as a source: papertrend's own mirror of it, fetched, and files read at a commit.

Through the ``git`` command rather than a library: it is the reference implementation, speaks every transport a
user's git does (``file://``, ``https://`` with credential helpers, ssh with the user's keys and config), and
``git cat-file --batch`` reads any number of blobs through one process. The mirror lives under the data
directory; the work tree of a user's clone is never touched (``git clone --mirror`` only reads from it).
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

_URL = re.compile(r"^(file|https?|ssh|git)://|^[\w.-]+@[\w.-]+:")
GIT_TIMEOUT_S = 600


class GitError(Exception):
    """A git command failed; the message says which and what git said."""


def looks_like_git(spec: str | Path) -> bool:
    """A URL git fetches, or a local repository (a clone with ``.git``, or a bare repository)."""
    text = str(spec)
    if _URL.match(text):
        return True
    path = Path(text)
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


@dataclass(frozen=True)
class Change:
    """One file added, modified or deleted by a commit (the first parent's view, renames as delete + add)."""

    commit: str
    committed_at: dt.datetime  # UTC
    path: str
    status: str  # "A", "M" or "D"


@dataclass(frozen=True)
class Fetched:
    """What a fetch found: the head to load, the one loaded before, and what the run should say about it."""

    head: str
    loaded: str | None  # the commit the last successful run loaded
    reachable: bool  # False: the remote did not answer; ``head`` is the last fetched state
    rewritten: bool  # the loaded commit is not in the new history (a force-push)
    note: str | None


class GitSource:
    """A mirror of ``remote`` under ``root`` (``<data dir>/source``), with the commit last loaded from it."""

    def __init__(self, remote: str | Path, root: Path):
        self.remote = str(remote)
        self.root = Path(root)
        self.mirror = self.root / "mirror.git"
        self.tree = self.root / "tree"  # the loaded commit's files, what the per-day assets read
        self._state = self.root / "state.json"

    # --- git ---------------------------------------------------------------------------------------------
    def _run(self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        """``git ARGS``, never prompting; a return code outside ``ok`` is a GitError naming the command."""
        environment = os.environ | {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            done = subprocess.run(
                ["git", *args], input=stdin, capture_output=True, timeout=GIT_TIMEOUT_S, env=environment, check=False
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed (Debian: apt-get install git)") from exc
        except subprocess.TimeoutExpired as exc:
            raise GitError(f"git {args[0]} took longer than {GIT_TIMEOUT_S} s") from exc
        if done.returncode not in ok:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            shown = [a for a in args if a != str(self.mirror) and a != "--git-dir"][:2]
            raise GitError(f"git {' '.join(shown)} failed: {said[-1] if said else done.returncode}")
        return done

    def _git(self, *args: str, stdin: bytes | None = None) -> bytes:
        """A git command on the mirror; its output."""
        return self._run("--git-dir", str(self.mirror), *args, stdin=stdin).stdout

    def _rev(self, name: str) -> str | None:
        try:
            return self._git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}").decode().strip() or None
        except GitError:
            return None

    # --- state ---------------------------------------------------------------------------------------------
    def loaded(self) -> str | None:
        """The commit the last successful load read, if any."""
        if not self._state.exists():
            return None
        return json.loads(self._state.read_text(encoding="utf-8")).get("loaded")

    def mark_loaded(self, commit: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self._state.with_suffix(".tmp")
        temporary.write_text(json.dumps({"remote": self.remote, "loaded": commit}), encoding="utf-8")
        os.replace(temporary, self._state)

    # --- fetch ---------------------------------------------------------------------------------------------
    def fetch(self) -> Fetched:
        """Bring the mirror up to date with the remote; when it cannot be reached, use what was last fetched."""
        loaded = self.loaded()
        reachable, note = True, None
        try:
            if not (self.mirror / "HEAD").exists():
                self.root.mkdir(parents=True, exist_ok=True)
                partial = self.root / "mirror.git.partial"
                shutil.rmtree(partial, ignore_errors=True)
                self._run("clone", "--mirror", "--quiet", self.remote, str(partial))
                os.replace(partial, self.mirror)
            else:
                self._git("fetch", "--prune", "--force", "--quiet", "origin")
        except GitError as exc:
            if not (self.mirror / "HEAD").exists():
                raise
            reachable = False
            note = f"the repository could not be reached ({exc}); using the state fetched last"
        head = self._rev("HEAD")
        if head is None:
            raise GitError(f"{self.remote} has no commit on its default branch")
        rewritten = False
        if loaded is not None and not self.contains(loaded, head):
            rewritten = True
            note = (
                f"history rewritten: {loaded[:12]} (loaded last) is not in the repository's history any more "
                f"(a force-push); every version already recorded is kept, loading {head[:12]}"
            )
        return Fetched(head, loaded, reachable, rewritten, note)

    def contains(self, commit: str, head: str) -> bool:
        """Whether ``commit`` is in ``head``'s history."""
        if self._rev(commit) is None:
            return False
        answer = self._run("--git-dir", str(self.mirror), "merge-base", "--is-ancestor", commit, head, ok=(0, 1))
        return answer.returncode == 0

    # --- reading -------------------------------------------------------------------------------------------
    def checkout(self, commit: str) -> Path:
        """The commit's files as a folder (``tree``), replaced whole so a reader never sees half of two commits."""
        staging = self.root / "tree.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        archive = staging / ".archive.tar"
        archive.write_bytes(self._git("archive", "--format=tar", commit))
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        archive.unlink()
        (staging / ".papertrend-commit").write_text(commit, encoding="utf-8")  # hidden: discovery skips it
        old = self.root / "tree.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.tree.exists():
            os.replace(self.tree, old)
        os.replace(staging, self.tree)
        shutil.rmtree(old, ignore_errors=True)
        return self.tree

    def checked_out(self) -> str | None:
        marker = self.tree / ".papertrend-commit"
        return marker.read_text(encoding="utf-8").strip() if marker.exists() else None

    def changed_paths(self, old: str, new: str) -> list[str]:
        """Files that differ between two commits (related or not: after a force-push too)."""
        return self._git("diff", "--name-only", "--no-renames", "-z", old, new).decode().split("\0")[:-1]

    def history(self, head: str, pathspecs: tuple[str, ...]) -> list[Change]:
        """Every change to files matching ``pathspecs`` in ``head``'s first-parent history, oldest first."""
        out = self._git(
            "log", "--reverse", "--first-parent", "--no-renames", "-m", "--format=@%H %ct", "--name-status", "-z",
            head, "--", *pathspecs,
        )  # fmt: skip
        changes: list[Change] = []
        commit, when = "", dt.datetime.min.replace(tzinfo=dt.UTC)
        fields = out.decode().split("\0")
        i = 0
        while i < len(fields):
            field = fields[i].lstrip("\n")
            if field.startswith("@"):
                sha, seconds = field[1:].split()
                commit, when = sha, dt.datetime.fromtimestamp(int(seconds), dt.UTC)
                i += 1
            elif field in ("A", "M", "D"):
                changes.append(Change(commit, when, fields[i + 1], field))
                i += 2
            else:
                i += 1
        return changes

    def read(self, objects: list[tuple[str, str]]) -> list[bytes]:
        """The contents of each (commit, path), through one ``git cat-file --batch``."""
        if not objects:
            return []
        request = "".join(f"{commit}:{path}\n" for commit, path in objects).encode()
        out = self._git("cat-file", "--batch", stdin=request)
        blobs, at = [], 0
        for commit, path in objects:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if header[-1] == b"missing":
                raise GitError(f"{commit}:{path} is not in the mirror")
            size = int(header[2])
            blobs.append(out[end + 1 : end + 1 + size])
            at = end + 1 + size + 1
        return blobs
