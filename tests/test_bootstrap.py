"""scripts/bootstrap.sh on a fresh machine without pyenv: when no Python 3.10 is found, it asks uv
to install one (and says that this needs the network when that fails) instead of stopping.

The script is sourced (it then only defines its functions) in an environment whose PATH holds a
few tools and a stand-in `uv`, and no Python at all."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BOOTSTRAP = Path(__file__).resolve().parents[1] / "scripts" / "bootstrap.sh"
TOOLS = ("bash", "sh", "sed", "grep", "sort", "tail", "cat", "dirname", "mkdir", "rm", "chmod", "echo")

STAND_IN_UV = """#!/bin/sh
echo "uv $*" >>"{log}"
case "$1 $2" in
  "python install")
    [ "{works}" = yes ] || {{ echo "error: failed to fetch python-3.10 (network unreachable)" >&2; exit 2; }}
    mkdir -p "{home}/python/bin"
    printf '#!/bin/sh\\necho 3.10\\n' >"{home}/python/bin/python3.10"
    chmod +x "{home}/python/bin/python3.10" ;;
  "python find")
    [ -x "{home}/python/bin/python3.10" ] && echo "{home}/python/bin/python3.10" ;;
esac
"""


def fresh_machine(tmp_path: Path, *, uv_works: bool, python310: bool = False) -> Path:
    """A PATH directory with the tools the script needs, a stand-in uv, and no Python."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    uv = bin_dir / "uv"
    uv.write_text(
        STAND_IN_UV.format(log=tmp_path / "uv.log", home=tmp_path, works="yes" if uv_works else "no")
    )
    uv.chmod(0o755)
    if python310:
        (bin_dir / "python3.10").write_text("#!/bin/sh\necho 3.10\n")
        (bin_dir / "python3.10").chmod(0o755)
    return bin_dir


def python_for(bin_dir: Path, version: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f'source "{BOOTSTRAP}" && python_for {version}'],
        env={"PATH": str(bin_dir), "HOME": str(bin_dir.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_python_3_10_uv_installs_it_and_the_venv_is_made_with_that_one(tmp_path: Path) -> None:
    done = python_for(fresh_machine(tmp_path, uv_works=True), "3.10")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "python" / "bin" / "python3.10")
    assert (tmp_path / "uv.log").read_text().splitlines() == ["uv python install 3.10", "uv python find 3.10"]
    assert "installing one with uv" in done.stderr


def test_when_uv_cannot_fetch_python_the_operator_is_told_it_needs_the_network(tmp_path: Path) -> None:
    done = python_for(fresh_machine(tmp_path, uv_works=False), "3.10")

    assert done.returncode != 0 and done.stdout == ""
    assert "this needs the network" in done.stderr
    assert "pyenv install 3.10" in done.stderr


def test_a_python_3_10_on_path_is_used_and_uv_is_not_asked(tmp_path: Path) -> None:
    bin_dir = fresh_machine(tmp_path, uv_works=True, python310=True)

    done = python_for(bin_dir, "3.10")

    assert done.returncode == 0 and done.stdout.strip() == str(bin_dir / "python3.10")
    assert not (tmp_path / "uv.log").exists()


def test_sourcing_the_script_installs_nothing(tmp_path: Path) -> None:
    bin_dir = fresh_machine(tmp_path, uv_works=True)

    done = subprocess.run(
        ["bash", "-c", f'source "{BOOTSTRAP}" && echo defined $(type -t ensure_venv)'],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.stdout.strip() == "defined function" and done.stderr == ""
