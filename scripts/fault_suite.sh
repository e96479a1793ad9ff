#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# `make faults`: the fault suite (scripts/fault_suite.py): kill -9 mid-batch,
# a storm of 429/500/503/drops/timeouts, several drainers; asserts 0
# duplicates, 0 lost and the right final state of every SMS.
#   scripts/fault_suite.sh                 quick size (300 SMS, 1 kill)
#   scripts/fault_suite.sh --size long     1,000 SMS, 4 drainers, 3 kills
# Options: --db faults_x (default faults_suite, reused while the addon is
# unchanged), --fresh, --seed N, --no-callbacks, --help.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" >/dev/null
# shellcheck source=/dev/null
. "$ROOT/var/env.sh"
cd "$ROOT"
exec "$VENV/bin/python" "$ROOT/scripts/fault_suite.py" "$@"
