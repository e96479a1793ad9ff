#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# `make bench`: the pure helpers, then the gateway on a fresh database
# (no demo data) against the Twilio simulator. Prints Markdown tables.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
. "$ROOT/var/env.sh"
DB=${BENCH_DB:-sms_twilio_gateway_bench}
cd "$ROOT"
echo "## tools/ (pure Python)"
"$VENV/bin/python" -m bench.bench_tools
OPTS=(--addons-path="$ADDONS_PATH" --data-dir="$VAR/data" --db_host="$DB_HOST" --db_port="$DB_PORT"
      --db_user="$DB_USER" --db_password="$DB_PASSWORD" -d "$DB" --db-filter="^$DB\$")
PGPASSWORD=$DB_PASSWORD dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" --if-exists "$DB"
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" "${OPTS[@]}" -i sms_twilio_gateway --stop-after-init \
    --max-cron-threads=0 --log-level=warn --http-port=0 >/dev/null 2>&1
echo
echo "## gateway (database $DB)"
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" shell "${OPTS[@]}" --no-http --log-level=warn \
    < "$ROOT/bench/bench_gateway.py"
PGPASSWORD=$DB_PASSWORD dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" --if-exists "$DB"
