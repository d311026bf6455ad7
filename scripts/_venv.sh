# Sourced by the scripts: makes sure .venv exists with the project installed and up to date.
# Installs Python 3.11 from the system's packages when no python3.11 is on the machine.

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
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
  want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [[ -x .venv/bin/python && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  if ! py="$(find_python)"; then
    echo "iamstore: installing Python 3.11 (python3, python3-venv)" >&2
    if [[ "$(id -u)" == 0 ]]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3 python3-venv python3-dev >&2
    py="$(find_python)" || { echo "iamstore: Python 3.11 is required" >&2; exit 1; }
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
  .venv/bin/python -m pip install --quiet -e '.[dev]' >&2
  echo "$want" > "$stamp"
}
