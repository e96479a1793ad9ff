#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# ruff (check and format) and pylint-odoo's mandatory checks on the addon.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# pylint-odoo wants the addon under its technical name.
cd var/addons
../../.venv/bin/pylint --rcfile="$ROOT/.pylintrc-mandatory" --output-format=text sms_twilio_gateway
echo "lint: clean"
