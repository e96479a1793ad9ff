#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# `make bench`: the pure helpers, then stock Odoo 19 and the addon side by
# side on fresh databases against the Twilio simulator (bench/run.py: sizes
# and latency from BENCH_* variables). Prints Markdown.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh" >/dev/null
# shellcheck source=/dev/null
. "$ROOT/var/env.sh"
cd "$ROOT"
echo "## tools/ (pure Python)"
echo
"$VENV/bin/python" -m bench.bench_tools
echo
exec "$VENV/bin/python" -m bench.run
