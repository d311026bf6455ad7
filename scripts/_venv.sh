# Sourced by the scripts: makes sure .venv exists with the project installed and up to date.
# Uses Python 3.11, 3.12 or 3.13 (IAMSTORE_VENV_PYTHON picks one), installing python3 from the
# system's packages when none is on the machine. Development tools are pinned exactly by
# scripts/constraints.txt; the package's own dependencies are ranges (pyproject.toml).

find_python() {
  if [[ -n "${IAMSTORE_VENV_PYTHON:-}" ]]; then  # asked for by name: that one or nothing
    if "$IAMSTORE_VENV_PYTHON" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
         2>/dev/null; then
      command -v "$IAMSTORE_VENV_PYTHON"
      return 0
    fi
    echo "iamstore: IAMSTORE_VENV_PYTHON=$IAMSTORE_VENV_PYTHON is not a working Python 3.11 to 3.13" >&2
    exit 1
  fi
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
         2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local root stamp want py
  root="$(pwd)"
  stamp="$root/.venv/.iamstore-installed"
  want="$(cat pyproject.toml scripts/constraints.txt | sha256sum | cut -d' ' -f1)"
  if [[ -x .venv/bin/python && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  if ! py="$(find_python)"; then
    echo "iamstore: installing Python 3.11 (python3, python3-venv)" >&2
    if [[ "$(id -u)" == 0 ]]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3 python3-venv python3-dev >&2
    py="$(find_python)" || { echo "iamstore: Python 3.11 to 3.13 is required" >&2; exit 1; }
  fi
  if [[ ! -x .venv/bin/python ]]; then
    echo "iamstore: creating .venv with $py" >&2
    "$py" -m venv .venv || {
      echo "iamstore: venv failed; installing python3-venv" >&2
      apt-get update -qq && apt-get install -y -qq python3-venv >&2 && "$py" -m venv .venv
    }
  fi
  echo "iamstore: installing the project into .venv" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -c scripts/constraints.txt -e '.[dev]' >&2
  echo "$want" > "$stamp"
}
