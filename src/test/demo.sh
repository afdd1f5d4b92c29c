#!/bin/sh
# make demo: the whole story on the example in testdata/demo, one command
# per step, each shown with its output:
#   1. v1 -> v2 breaking check (clients break; stored JSON does not);
#   2. the pbtable DDL of v1 applied to PostgreSQL;
#   3. proto3 JSON rows in, read back through the columns and the view;
#   4. the migration to v2 applied; 5. drift clean; 6. a planted drift found.
# The server is a throwaway cluster started here (src/test/pg_cluster.sh)
# and stopped at the end, or an existing one: DSN='postgres://...' make demo
# (then everything lives in schema pbtable_demo, dropped at the end).
#   sh src/test/demo.sh build/pbtable
pbtable=$(cd "$(dirname "${1:-build/pbtable}")" && pwd)/$(basename "${1:-build/pbtable}")
top=$(pwd)
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "demo: no temporary directory: 0 passed, 1 failed"; exit 1; }
[ -d "$tmp" ] || exit 1
cleanup() {
	if [ -n "$DSN" ]; then
		psql "$DSN" -X -q -c 'DROP SCHEMA IF EXISTS pbtable_demo CASCADE' > /dev/null 2>&1
	fi
	[ -z "$PG_DIR" ] || pg_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp -r testdata/demo/v1 testdata/demo/v2 "$tmp/" || exit 1
cat > "$tmp/pbtable.yaml" <<'YAML'
# The orders table: every scalar field of shop.v1.Order as a column.
tables:
  - message: shop.v1.Order
    table: pbtable_demo.orders
    indexes: [status]
YAML
cd "$tmp" || exit 1

step=0
title() {
	step=$((step + 1))
	printf '\n== %s. %s\n\n' "$step" "$1"
}
# show and run: pbtable ARGS... (shown as typed, $DSN as such)
pb() {
	printf '$ pbtable'
	for a in "$@"; do
		case $a in
		"$DSN") printf ' "$DSN"' ;;
		*[!A-Za-z0-9_./=-]*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	echo
	"$pbtable" "$@" 2>&1
	rc=$?
	echo "(exit status $rc)"
	return $rc
}
sql() {
	printf '$ psql "$DSN" <<'"'"'SQL'"'"'\n%s\nSQL\n' "$1"
	printf '%s\n' "$1" | psql "$DSN" -X -q -P pager=off -v ON_ERROR_STOP=1 2>&1
}
fail() {
	echo "demo: $*" >&2
	exit 1
}

echo "pbtable demo: testdata/demo, shop.v1.Order, version 1 -> version 2"
echo "(v2 adds Order.currency and deletes the ListOrders RPC)"

title "Does v2 break v1?  buf's default rules: clients of OrderService break"
pb breaking v2 --against v1
[ $? = 100 ] || fail "want exit 100"
echo
pb breaking v2 --against v1 --config '{"version":"v2","breaking":{"use":["WIRE_JSON"]}}'
[ $? = 0 ] || fail "want exit 0"
echo "(WIRE_JSON: data stored as proto3 JSON keeps its meaning, so the table can follow)"

if [ -n "$DSN" ]; then
	echo
	echo "DSN is your server: the demo works in schema pbtable_demo and drops it at the end"
	psql "$DSN" -X -q -c 'DROP SCHEMA IF EXISTS pbtable_demo CASCADE' > /dev/null 2>&1 ||
		fail "cannot connect to DSN"
else
	. "$top/src/test/pg_cluster.sh"
	pg_start || fail "cannot start a PostgreSQL server (make deps installs one)"
	trap cleanup EXIT
	DSN="host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres"
	echo
	echo "DSN='$DSN'"
	echo "(a throwaway server, $("$PG_BIN/postgres" --version), stopped and deleted at the end)"
fi
psql "$DSN" -X -q -c 'CREATE SCHEMA pbtable_demo' || fail "cannot create schema pbtable_demo"

title "v1's table, columns, indexes and view, applied"
pb ddl v1 --config pbtable.yaml --apply --dsn "$DSN" || fail "ddl failed"
sql "SELECT column_name, data_type, is_generated FROM information_schema.columns
 WHERE table_schema = 'pbtable_demo' AND table_name = 'orders' ORDER BY ordinal_position;" ||
	fail "select failed"

title "proto3 JSON in; columns and the view out"
sql "INSERT INTO pbtable_demo.orders (data) VALUES
  ('{\"id\": \"o-1\", \"totalCents\": \"1250\", \"status\": \"STATUS_PAID\",
     \"createdAt\": \"2026-11-02T09:30:00Z\", \"coupon\": \"WELCOME\"}'),
  ('{\"id\": \"o-2\", \"totalCents\": 990, \"status\": 1, \"items\": [{\"sku\": \"tea\", \"qty\": 2}]}');" ||
	fail "insert failed"
sql "INSERT INTO pbtable_demo.orders_v (id, total_cents, status) VALUES ('o-3', 4200, 'STATUS_SHIPPED');" ||
	fail "insert through the view failed"
sql "SELECT id, total_cents, status, created_at, coupon FROM pbtable_demo.orders ORDER BY id;" ||
	fail "select failed"
sql "SELECT data FROM pbtable_demo.orders_v WHERE id = 'o-3';" || fail "select failed"

title "The table follows v2: the migration, applied"
pb migrate v2 --against v1 --config pbtable.yaml --apply --dsn "$DSN" || fail "migrate failed"
sql "UPDATE pbtable_demo.orders_v SET currency = 'EUR' WHERE id = 'o-1';" || fail "update failed"
sql "SELECT id, currency, data ->> 'currency' AS in_data FROM pbtable_demo.orders ORDER BY id;" ||
	fail "select failed"

title "Does the database match v2?  drift"
pb drift v2 --config pbtable.yaml --dsn "$DSN" || fail "want no drift"

title "Someone drops the status index by hand; drift finds it"
sql "DROP INDEX pbtable_demo.orders_status_idx;" || fail "drop index failed"
pb drift v2 --config pbtable.yaml --dsn "$DSN"
[ $? = 100 ] || fail "want exit 100"
echo
echo "demo: done (pbtable drift v2 --fix --apply would put the index back)"
