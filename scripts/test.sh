#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
#
# `make test`: the pure tests of tools/ (pytest, no database), then a fresh
# database with demo data where the addon is installed and its tests run
# together with Odoo's own tests of sms, sms_twilio, mass_mailing_sms and
# phone_validation. Exits non-zero on any failure, on a module load error and
# when a browser tour was skipped; then the fault suite (scripts/fault_suite.py)
# against real Odoo processes. Ends with one line: `N passed, N failed`.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" || exit 1
# shellcheck source=/dev/null
. "$ROOT/var/env.sh"

DB=${TEST_DB:-sms_twilio_gateway_test}
TEST_TAGS=${TEST_TAGS:-/sms_twilio_gateway,/sms,/sms_twilio,/mass_mailing_sms,/phone_validation}
LOG="$VAR/test-odoo.log"
PY="$VENV/bin/python"
cd "$ROOT" || exit 1

echo "== lint (ruff, pylint-odoo mandatory checks) =="
"$ROOT/scripts/lint.sh"
lint_rc=$?

echo "== pure tests (tools/, pytest) =="
"$PY" -m pytest -q --junitxml="$VAR/pytest.xml" tools/tests
pytest_rc=$?

echo "== Odoo tests (database $DB, demo data) =="
PGPASSWORD=$DB_PASSWORD dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" --if-exists "$DB"
rm -rf "$VAR/data/filestore/$DB"
HTTP_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" "$ODOO_PATH/odoo-bin" \
    --addons-path="$ADDONS_PATH" --data-dir="$VAR/data" \
    --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
    -d "$DB" --db-filter="^$DB\$" -i sms_twilio_gateway,calendar_sms --with-demo \
    --test-enable --test-tags="$TEST_TAGS" \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --max-cron-threads=0 \
    --stop-after-init --log-level=info 2>&1 | tee "$LOG" | grep -E --line-buffered \
    ' (ERROR|CRITICAL) | FAIL: | ERROR: |odoo\.tests\.result: |skipped .* : |modules loaded in'
odoo_rc=${PIPESTATUS[0]}

echo "== fault suite (kill -9 mid-batch, 429/500/503/drop/timeout storm, 3 drainers) =="
FAULTS_LOG="$VAR/test-faults.log"
"$ROOT/scripts/fault_suite.sh" --fresh > "$FAULTS_LOG" 2>&1
faults_rc=$?
grep -E '^(PASS|FAIL|fault suite:)' "$FAULTS_LOG"

"$PY" "$ROOT/scripts/test_summary.py" --pytest-xml "$VAR/pytest.xml" --pytest-rc "$pytest_rc" \
    --odoo-log "$LOG" --odoo-rc "$odoo_rc" --lint-rc "$lint_rc" \
    --faults-log "$FAULTS_LOG" --faults-rc "$faults_rc"
