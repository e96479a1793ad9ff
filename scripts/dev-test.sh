#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Developers' loop: update the addon on an existing database and run only
# the tests named by TEST_TAGS (default: the addon's). Not what CI runs.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/var/env.sh"
DB=${DEV_DB:-sms_twilio_gateway_dev}
TAGS=${TEST_TAGS:-/sms_twilio_gateway}
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
    MODE=(-i sms_twilio_gateway --with-demo)
else
    MODE=(-u sms_twilio_gateway)
fi
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" --data-dir="$VAR/data" \
    --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
    -d "$DB" --db-filter="^$DB\$" "${MODE[@]}" --test-enable --test-tags="$TAGS" --http-interface=127.0.0.1 \
    --http-port="$PORT" --max-cron-threads=0 --stop-after-init "$@"
