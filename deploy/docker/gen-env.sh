#!/bin/sh
# deploy/docker/gen-env.sh -- write the .env docker compose reads: a copy of
# .env.example with fresh random secrets (JWT_SECRET: 32 random bytes as 64
# hex digits; POSTGRES_PASSWORD: 24 random bytes as 48 hex digits), mode
# 0600. Never overwrites an existing file (its secrets are in use: a new
# JWT_SECRET logs everyone out, and Postgres keeps the password it was
# initialised with).
#
# Usage: deploy/docker/gen-env.sh [FILE]      (default: .env at the root)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.env}

if [ -e "$out" ]; then
    echo "gen-env: $out exists; not touching it (delete it first to start over)" >&2
    exit 1
fi
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
jwt=$(rand_hex 32)
pgpw=$(rand_hex 24)
[ ${#jwt} -eq 64 ] && [ ${#pgpw} -eq 48 ] || { echo "gen-env: cannot read /dev/urandom" >&2; exit 1; }

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
( umask 077
  sed -e "s/^JWT_SECRET=.*/JWT_SECRET=$jwt/" \
      -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$pgpw/" \
      "$root/.env.example" >"$tmp" )
grep -q "^JWT_SECRET=$jwt\$" "$tmp" && grep -q "^POSTGRES_PASSWORD=$pgpw\$" "$tmp" \
    || { echo "gen-env: .env.example lacks JWT_SECRET= or POSTGRES_PASSWORD=" >&2; exit 1; }
mv "$tmp" "$out"
trap - EXIT
echo "gen-env: wrote $out (secrets generated; keep it private, never commit it)"
