#!/usr/bin/env bash
# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
#
# Idempotent set-up shared by `make run`, `make test` and `make bench`:
#   1. an Odoo 19 source tree (ODOO_PATH, default /opt/odoo; cloned from upstream
#      when missing and the network allows it),
#   2. a virtualenv in the checkout (.venv) with Odoo's requirements, the addon's
#      and the test-suite's,
#   3. Chromium for the browser tours (Debian's package) when it is missing,
#   4. a PostgreSQL server and a login role for Odoo,
#   5. an addons folder (var/addons) holding this checkout as `sms_twilio_gateway`.
# It writes var/env.sh, which the other scripts source.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="$ROOT/.venv"
ODOO_PATH=${ODOO_PATH:-/opt/odoo}
ODOO_BRANCH=19.0
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
PYTHON=${PYTHON:-python3}

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$VAR"

# --- 1. Odoo ---------------------------------------------------------------
if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -d "$ODOO_PATH/addons/sms_twilio" ]; then
    say "no Odoo 19 source at ODOO_PATH=$ODOO_PATH; trying a shallow clone of $ODOO_GIT_URL ($ODOO_BRANCH)"
    if ! git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$ODOO_PATH.partial" 2>"$VAR/odoo-clone.log"; then
        rm -rf "$ODOO_PATH.partial"
        die "Odoo 19 is needed. Put an Odoo 19.0 Community source tree (with odoo-bin, odoo/, addons/ and requirements.txt) somewhere and run again with ODOO_PATH=/path/to/it (the clone from $ODOO_GIT_URL failed: see $VAR/odoo-clone.log)."
    fi
    mv "$ODOO_PATH.partial" "$ODOO_PATH"
fi
grep -q "version_info = (19, 0" "$ODOO_PATH/odoo/release.py" 2>/dev/null \
    || die "$ODOO_PATH is not an Odoo 19.0 tree (odoo/release.py does not say 19.0)."

# --- 2. virtualenv ---------------------------------------------------------
# Re-install only when one of the requirement files changed.
req_stamp=$(cat "$ODOO_PATH/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-test.txt" | sha1sum | cut -c1-16)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$req_stamp" ]; then
    say "creating the virtualenv in $VENV (a minute or two)"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip wheel "setuptools<81" \
        2> >(grep -v "^WARNING: Location" >&2)
    # Odoo's pins, less python-ldap (auth_ldap only, and it needs C headers) and
    # with Windows line ends removed.
    tr -d '\r' < "$ODOO_PATH/requirements.txt" | grep -v -i '^python-ldap' > "$VAR/odoo-requirements.txt"
    # Some of Odoo's pinned sdists still import pkg_resources at build time.
    echo 'setuptools<81' > "$VAR/build-constraints.txt"
    PIP_BUILD_CONSTRAINT="$VAR/build-constraints.txt" PIP_CONSTRAINT="" \
        "$VENV/bin/python" -m pip install --quiet \
        -r "$VAR/odoo-requirements.txt" -r "$ROOT/requirements.txt" -r "$ROOT/requirements-test.txt" \
        2> >(grep -v "^WARNING: Location" >&2)
    echo "$req_stamp" > "$VENV/.stamp"
fi

# --- 3. Chromium for the tours ---------------------------------------------
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Chromium (Debian package) for the browser tours"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$VAR/apt.log" 2>&1 \
            || die "could not install Chromium (see $VAR/apt.log)"
        CHROME=$(command -v chromium)
    else
        die "Chromium is needed for the browser tours: install it (Debian: apt-get install chromium)."
    fi
fi

# --- 4. PostgreSQL ---------------------------------------------------------
if [ -n "${PGHOST:-}" ]; then
    DB_HOST=$PGHOST DB_PORT=${PGPORT:-5432} DB_USER=${PGUSER:-odoo} DB_PASSWORD=${PGPASSWORD:-}
    say "using the PostgreSQL server given by PGHOST=$DB_HOST"
else
    DB_HOST=localhost DB_PORT=${PGPORT:-5432} DB_USER=odoo DB_PASSWORD=odoo
    if ! pg_isready -q -h localhost -p "$DB_PORT" 2>/dev/null; then
        command -v pg_lsclusters >/dev/null || die "no PostgreSQL server: set PGHOST/PGPORT/PGUSER/PGPASSWORD, or install PostgreSQL."
        cluster=$(pg_lsclusters -h | awk -v p="$DB_PORT" '$3 == p {print $1" "$2; exit}')
        [ -n "$cluster" ] || die "no local PostgreSQL cluster on port $DB_PORT: set PGHOST/PGPORT/PGUSER/PGPASSWORD."
        say "starting the local PostgreSQL cluster $cluster"
        # shellcheck disable=SC2086
        pg_ctlcluster $cluster start
        for _ in $(seq 30); do pg_isready -q -h localhost -p "$DB_PORT" && break; sleep 1; done
    fi
    # Odoo refuses to run as `postgres`: make sure a login role exists.
    if ! PGPASSWORD=$DB_PASSWORD psql -h localhost -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        say "creating the PostgreSQL role $DB_USER"
        runuser -u postgres -- psql -p "$DB_PORT" -v ON_ERROR_STOP=1 -qc \
            "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; ELSE ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END\$\$;" \
            || die "could not create the PostgreSQL role $DB_USER (run as root, or set PGHOST/PGUSER/PGPASSWORD)."
    fi
fi

# --- 5. addons folder ------------------------------------------------------
mkdir -p "$VAR/addons"
ln -sfn "$ROOT" "$VAR/addons/sms_twilio_gateway"

cat > "$VAR/env.sh" <<EOF
# Written by scripts/setup.sh: sourced by the other scripts.
ROOT='$ROOT'
VAR='$VAR'
VENV='$VENV'
ODOO_PATH='$ODOO_PATH'
CHROME='$CHROME'
DB_HOST='$DB_HOST'
DB_PORT='$DB_PORT'
DB_USER='$DB_USER'
DB_PASSWORD='$DB_PASSWORD'
ADDONS_PATH='$VAR/addons,$ODOO_PATH/addons,$ODOO_PATH/odoo/addons'
EOF
say "ready (Odoo: $ODOO_PATH, PostgreSQL: $DB_USER@$DB_HOST:$DB_PORT)"
