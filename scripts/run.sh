#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
#
# `make run`: Odoo on http://localhost:8069 (admin / admin) with demo data and
# the addon, the Twilio simulator on 127.0.0.1:8899, and the company in
# sandbox mode: every SMS goes to the simulator, which answers, reports
# delivery to Odoo and can inject replies. Ctrl-C stops both.
#
# Both listen on loopback only: admin/admin must not be reachable from the
# network. HTTP_INTERFACE=0.0.0.0 (or an address) opens Odoo on purpose.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
# shellcheck source=/dev/null
. "$ROOT/var/env.sh"

DB=${RUN_DB:-sms_twilio_gateway_demo}
HTTP_PORT=${HTTP_PORT:-8069}
HTTP_INTERFACE=${HTTP_INTERFACE:-127.0.0.1}
SIM_PORT=${SIM_PORT:-8899}
PY="$VENV/bin/python"
OPTS=(--addons-path="$ADDONS_PATH" --data-dir="$VAR/data"
      --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD"
      -d "$DB" --db-filter="^$DB\$" --http-interface="$HTTP_INTERFACE")
cd "$ROOT"

if ! PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB" -tAc \
        "select 1 from ir_module_module where name = 'sms_twilio_gateway' and state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "[run] creating the database $DB with demo data (about a minute)"
    PGPASSWORD=$DB_PASSWORD dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" --if-exists "$DB"
    "$PY" "$ODOO_PATH/odoo-bin" "${OPTS[@]}" -i sms_twilio_gateway --with-demo --stop-after-init --http-port="$HTTP_PORT" \
        --max-cron-threads=0 --log-level=warn
else
    # A database made by an earlier version: its tables follow this code.
    echo "[run] updating the addon in $DB"
    "$PY" "$ODOO_PATH/odoo-bin" "${OPTS[@]}" -u sms_twilio_gateway --stop-after-init --http-port="$HTTP_PORT" \
        --max-cron-threads=0 --log-level=warn
fi
echo "[run] switching the company to the Twilio sandbox"
SIM_URL="http://127.0.0.1:$SIM_PORT" BASE_URL="http://localhost:$HTTP_PORT" \
    "$PY" "$ODOO_PATH/odoo-bin" shell "${OPTS[@]}" --no-http --log-level=warn < "$ROOT/scripts/sandbox_setup.py"

echo "[run] starting the Twilio simulator on 127.0.0.1:$SIM_PORT"
"$PY" -m tools.twilio_simulator serve --host 127.0.0.1 --port "$SIM_PORT" \
    --inbound-url "http://localhost:$HTTP_PORT/sms_twilio_gateway/inbound" \
    --delays 1,2 > "$VAR/simulator.log" 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG
[run] Odoo: http://localhost:$HTTP_PORT  (login admin, password admin), listening on $HTTP_INTERFACE
[run] Open Contacts > "Ada Lovelace (SMS demo)" > Send SMS: the message appears in
[run] the chatter and turns delivered. Reply as her with:
[run]   .venv/bin/python -m tools.twilio_simulator inject --url http://localhost:$HTTP_PORT/sms_twilio_gateway/inbound --from +32470000001 --to +3228080000 --body "Thanks!"
[run] Simulator log: var/simulator.log
MSG
"$PY" "$ODOO_PATH/odoo-bin" "${OPTS[@]}" --http-port="$HTTP_PORT" --max-cron-threads=1
