#!/bin/sh
# make demo's script as make demo runs it: exit 0, every step shown, each
# command's expected output there, and no server left behind.
# Prints `demo: N passed, N failed`.
#   PBTABLE=build/pbtable sh src/test/demo_test.sh
# Never go on without it: "$tmp/bin/x" would be /bin/x.
tmp=$(mktemp -d) && [ -d "$tmp" ] || { echo "demo: no temporary directory: 0 passed, 1 failed"; exit 1; }
[ -d "$tmp" ] || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; echo "# $2"; }
unset DSN
sh src/test/demo.sh "${PBTABLE:-build/pbtable}" > "$tmp/out" 2>&1
rc=$?
[ $rc = 0 ] && ok "make demo exits 0" || not_ok "make demo exits 0" "exit $rc: $(tail -n 5 "$tmp/out")"
for want in \
	'== 1. Does v2 break v1?' \
	'Previously present RPC "ListOrders" on service "OrderService" was deleted.' \
	'== 2. ' '$ pbtable ddl v1 --config pbtable.yaml --apply --dsn "$DSN"' \
	' currency ' \
	'== 3. ' ' o-1 |        1250 | STATUS_PAID    | 2026-11-02 09:30:00+00 | WELCOME' \
	' {"id": "o-3", "status": "STATUS_SHIPPED", "totalCents": "4200"}' \
	'== 4. ' '$ pbtable migrate v2 --against v1 --config pbtable.yaml --apply --dsn "$DSN"' \
	' o-1 | EUR      | EUR' \
	'== 5. ' '== 6. ' 'missing_index: index orders_status_idx (btree on status) is missing'; do
	if grep -qF -- "$want" "$tmp/out"; then
		ok "shows: $want"
	else
		not_ok "shows: $want" "$(tail -n 5 "$tmp/out")"
	fi
done
# The server the demo started: its directory gone, no process using it.
dir=$(sed -n "s/^DSN='host=\([^ ]*\) .*/\1/p" "$tmp/out")
if [ -z "$dir" ]; then
	not_ok "no server left behind" "no DSN line"
elif [ -e "$dir" ] || ps -eo args | grep -v grep | grep -qF -- "$dir"; then
	not_ok "no server left behind" "$dir is still there"
else
	ok "no server left behind"
fi
echo "demo: $pass passed, $fail failed"
[ $fail = 0 ]
