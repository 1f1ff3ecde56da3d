"""Runs started the way the UI starts them, so that the UI can show, repeat and stop every one.

The UI re-executes a run from the code location it came from: Dagster records that origin only for runs
created through a workspace (the webserver, the daemon's sensors, schedules and backfills, ``dagster job
launch``), never for ``execute_in_process``. So ``papertrend run`` does what the UI does:

1. a code server for the code location (:class:`CodeServer`, the one ``papertrend ui`` shares too);
2. ``dagster job launch`` against it: the run is created with its origin, its tags and its run config, and
   put in the instance's queue, under the same limits as every other run (orchestration/instance.py);
3. a daemon takes it from the queue: the UI's when one is alive on this instance, else one started for
   the command (:func:`queue_daemon_alive`); the run executes in its own process, as a UI launch does.

Every helper process runs in a session of its own (a Ctrl-C in the terminal reaches the CLI alone, which
cancels its run through the instance) and, on Linux, receives SIGTERM should the CLI die first.
"""

import contextlib
import ctypes
import dataclasses
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import dagster as dg

from .settings import JOB_NAME, MODULE

QUEUE_DAEMON = "QUEUED_RUN_COORDINATOR"  # the daemon that takes runs from the queue
# Dagster's daemons write a heartbeat every 30 s: one older than two beats and a margin is a daemon gone.
HEARTBEAT_FRESH_S = 65.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """In the child: SIGTERM when the process that started it dies (Linux; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def dagster_command(name: str) -> str:
    """A Dagster command line tool of this environment (dagster, dagster-daemon, dagster-webserver)."""
    return str(Path(sys.executable).parent / name)


class CodeServer:
    """One ``dagster code-server`` for the code location on a socket, and a workspace file pointing at it, for the
    processes started beside it (webserver, daemon, ``dagster job launch``): they all load the same code.

    ``output`` takes the helper processes' own log lines (None: this process's terminal); ``own_session`` keeps
    a terminal's Ctrl-C from them; ``reloadable`` serves the code through Dagster's proxy, which the UI's Reload
    restarts.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        cwd: Path,
        output: IO[Any] | None = None,
        own_session: bool = False,
        reloadable: bool = False,
    ):
        self.env, self.cwd, self.output, self.own_session = dict(env), cwd, output, own_session
        self.reloadable = reloadable
        self.processes: list[subprocess.Popen] = []
        self.daemon: subprocess.Popen | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "CodeServer":
        folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="papertrend-")))
        self.socket, self.workspace = folder / "code.sock", folder / "workspace.yaml"  # short: sockets have a limit
        self.workspace.write_text(
            f"load_from:\n  - grpc_server:\n      socket: {self.socket}\n      location_name: {MODULE}\n",
            encoding="utf-8",
        )
        self._stack.callback(self._stop_all)
        try:
            # papertrend ui: Dagster's code server proxy, whose child the UI's Reload replaces; a command's run
            # needs no reload and takes the one process that serves the code (`dagster api grpc`).
            serve = ["code-server", "start"] if self.reloadable else ["api", "grpc"]
            server = self.start(["dagster", *serve, "-m", MODULE, "-s", str(self.socket), "--location-name", MODULE])
            while not self.socket.exists():  # its clients connect once it listens
                if server.poll() is not None:
                    raise RuntimeError(f"the code server exited with code {server.returncode} before it listened")
                time.sleep(0.05)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()

    def start(self, command: list[str]) -> subprocess.Popen:
        """A Dagster tool (``command[0]``) of this environment, stopped when this code server is."""
        process = subprocess.Popen(
            [dagster_command(command[0]), *command[1:]],
            cwd=self.cwd,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT if self.output is not None else None,
            start_new_session=self.own_session,
            preexec_fn=_die_with_parent if self.own_session and sys.platform == "linux" else None,
        )
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _stop_all(self) -> None:
        for process in reversed(self.processes):  # the code server last: the others are its clients
            self.stop(process)

    def launch(self, run_id: str, tags: Mapping[str, str], run_config: Mapping[str, Any]) -> None:
        """``dagster job launch``: the run created from this code location and submitted to the instance's queue."""
        done = subprocess.run(
            [dagster_command("dagster"), "job", "launch", "-w", str(self.workspace), "-l", MODULE, "-j", JOB_NAME]
            + ["--run-id", run_id, "--tags", json.dumps(dict(tags)), "--config-json", json.dumps(run_config)],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            start_new_session=self.own_session,
            check=False,
        )
        if done.returncode != 0:
            lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            raise RuntimeError(f"dagster job launch failed: {lines[-1] if lines else f'exit code {done.returncode}'}")

    def start_daemon(self) -> subprocess.Popen:
        self.daemon = self.start(["dagster-daemon", "run", "-w", str(self.workspace)])
        return self.daemon


def queue_daemon_alive(instance: dg.DagsterInstance) -> bool:
    """Whether a daemon takes runs from this instance's queue: its last heartbeat is recent (elapsed time against
    the heartbeat's own epoch, like a rate-limit wait: not papertrend's "now", which tests may pin)."""
    heartbeat = instance.get_daemon_heartbeats().get(QUEUE_DAEMON)
    return heartbeat is not None and time.time() - heartbeat.timestamp < HEARTBEAT_FRESH_S


def deliver_records(
    instance: dg.DagsterInstance, run_id: str, cursor: str | None, on_record: Callable[[Any], None]
) -> str | None:
    """Each event record of the run written after ``cursor`` to ``on_record``, in order; the cursor after them."""
    while True:
        page = instance.get_records_for_run(run_id, cursor=cursor, limit=1000)
        for record in page.records:
            on_record(record)
        cursor = page.cursor
        if not page.has_more:
            return cursor


def wait_for_run(
    instance: dg.DagsterInstance,
    server: CodeServer,
    run_id: str,
    on_record: Callable[[Any], None],
    on_note: Callable[[str], None],
    poll_s: float = 0.25,
) -> dg.DagsterRun:
    """Until the run has ended: each of its event records to ``on_record`` as it is written (by whichever process).

    While the run is queued and no daemon serves the queue (the UI's stopped since), one is started for it.
    """
    cursor = None
    while True:
        run = instance.get_run_by_id(run_id)
        if run is None:
            raise RuntimeError(f"run {run_id} is not in the instance")
        if run.status == dg.DagsterRunStatus.QUEUED and server.daemon is None and not queue_daemon_alive(instance):
            server.start_daemon()
            on_note("the daemon serving this instance's run queue stopped: one started for this run")
        cursor = deliver_records(instance, run_id, cursor, on_record)
        if run.is_finished:  # read before the records: nothing logged before the end is missed
            return run
        time.sleep(poll_s)


@dataclasses.dataclass(frozen=True)
class LaunchRequest:
    """One run of papertrend_job as the CLI asks for it."""

    run_id: str
    tags: Mapping[str, str]
    run_config: Mapping[str, Any]  # the CLI's options (resources.run_settings): a re-execution repeats them
    env: Mapping[str, str]  # the code location's environment (its settings, the clock, service URLs, secrets)
    cwd: Path
    log: Path  # where the helper processes (code server, daemon, the run's process) write their own lines


def launch_and_wait(
    instance: dg.DagsterInstance,
    request: LaunchRequest,
    on_record: Callable[[Any], None],
    on_note: Callable[[str], None],
) -> dg.DagsterRun:
    """The run launched as the UI launches one (see the module's doc), followed until it ends.

    Interrupted (Ctrl-C), the run is canceled through the instance, as the UI's Terminate does, and waited for.
    """
    request.log.parent.mkdir(parents=True, exist_ok=True)
    with request.log.open("w", encoding="utf-8") as log:
        server = CodeServer(request.env, request.cwd, log, own_session=True)
        try:
            with server:
                if queue_daemon_alive(instance):
                    on_note("queued for the daemon already serving this instance (papertrend ui, or a team's)")
                else:
                    server.start_daemon()  # it starts while the run is created: both take seconds
                server.launch(request.run_id, request.tags, request.run_config)
                try:
                    return wait_for_run(instance, server, request.run_id, on_record, on_note)
                except KeyboardInterrupt:
                    on_note(f"interrupted: canceling run {request.run_id}")
                    instance.run_coordinator.cancel_run(request.run_id)
                    return wait_for_run(instance, server, request.run_id, on_record, on_note)
        finally:
            if server.daemon is not None:  # stopped now: its last heartbeats would pass for a live daemon's a minute
                instance.wipe_daemon_heartbeats()
