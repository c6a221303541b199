"""A closed pipe ends a command quietly (docs/bad-input.md).

`sourcing-app score --format json | head -1` is how a buyer peeks at a large
portfolio. When `head` has read its line and gone, the command must stop the
way every Unix tool does: no message, no entry in error.log, the exit status
a shell reports for a reader that went away (141).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sourcing_app.cli import EXIT_BROKEN_PIPE, main

AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 400 suppliers give a JSON listing of several hundred KB, far more than a
    # pipe holds (64 KB on Linux), so the writer is still writing when the
    # reader closes its end.
    path = tmp_path_factory.mktemp("pipe") / "demo.sqlite"
    code = main(
        ["--db", str(path), "demo", "--suppliers", "400", "--lines", "1200", "--as-of", AS_OF]
    )
    assert code == 0
    return path


def _environment(data_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(data_home)  # the data directory, where error.log would go
    env.pop("SOURCING_DB_URL", None)
    return env


def test_score_into_a_reader_that_leaves_after_one_line_ends_quietly(
    demo_file: Path, tmp_path: Path
) -> None:
    data_home = tmp_path / "data"
    command = [sys.executable, "-m", "sourcing_app", "--db", str(demo_file), "score"]
    command += ["--as-of", AS_OF, "--format", "json"]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(data_home),
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # `head -1` has what it wanted and goes away
        stderr = proc.stderr.read()
        code = proc.wait(timeout=120)

    assert first.startswith(b"[")
    assert stderr == b""
    assert code == EXIT_BROKEN_PIPE == 141
    assert not list(data_home.rglob("error.log"))


def test_the_same_command_read_to_the_end_still_succeeds(demo_file: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "sourcing_app", "--db", str(demo_file), "score"]
    command += ["--as-of", AS_OF, "--format", "json"]
    done = subprocess.run(
        command, capture_output=True, env=_environment(tmp_path / "data"), timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert len(done.stdout) > 2 * 65536  # twice what a Linux pipe holds
