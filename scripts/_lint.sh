# Sourced by scripts/test and scripts/check: the static checks both run, in one place.

check_generated() {
  echo "== generated protobuf code is up to date"
  scripts/genproto --check
  echo "== generated client code is up to date"
  scripts/genclient --check
  echo "== the API coverage table in docs/api.md is up to date"
  scripts/gencoverage --check
}

check_lint() {
  echo "== ruff"
  .venv/bin/ruff check node client cluster tests proto scripts/clientgen scripts/iamcoverage
  .venv/bin/ruff format --check --quiet node client cluster tests proto scripts/clientgen scripts/iamcoverage
  echo "== mypy --strict"
  .venv/bin/mypy -p iamstore
  MYPYPATH=proto:scripts .venv/bin/mypy -p clientgen
  MYPYPATH=proto:scripts .venv/bin/mypy -p iamcoverage
  # Three test folders have a conftest.py each: mypy takes one module name per file, so the
  # client tests' and the security tests' (re-exports of fixtures) are checked on their own.
  .venv/bin/mypy tests --exclude 'tests/(unit/client|security)/conftest\.py$'
  .venv/bin/mypy tests/unit/client/conftest.py
  .venv/bin/mypy tests/security/conftest.py
}
