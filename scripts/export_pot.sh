#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Regenerate i18n/sms_twilio_gateway.pot (the addon's translatable terms) from
# a database where the addon is installed and up to date: updates it first.
#   DEV_DB=<db> scripts/export_pot.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/var/env.sh"
DB=${DEV_DB:-sms_twilio_gateway_dev}
CONF=$(mktemp)
# Odoo extracts terms from every file under the module, following links: a
# copy of the tracked files only (not .venv, nor var/ which links back here).
CLEAN=$(mktemp -d)
trap 'rm -rf "$CONF" "$CLEAN"' EXIT
mkdir "$CLEAN/sms_twilio_gateway"
git -C "$ROOT" ls-files -co --exclude-standard -z \
    | (cd "$ROOT" && xargs -0 cp --parents -t "$CLEAN/sms_twilio_gateway")
cat > "$CONF" <<CONF
[options]
addons_path = $CLEAN,${ADDONS_PATH#*,}
data_dir = $VAR/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
CONF
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$CONF" -d "$DB" -u sms_twilio_gateway \
    --stop-after-init --no-http --max-cron-threads=0 --log-level=warn
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" i18n export -c "$CONF" -d "$DB" \
    -o "$ROOT/i18n/sms_twilio_gateway.pot" sms_twilio_gateway
echo "[export_pot] i18n/sms_twilio_gateway.pot"
