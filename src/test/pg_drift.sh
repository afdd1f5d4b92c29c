#!/bin/sh
# pbtable drift against a real PostgreSQL: a throwaway cluster
# (src/test/pg_cluster.sh) with the pbtables of testdata/pgdrift/pbtable.yaml
# applied by `pbtable ddl --apply`, then damaged by hand one way at a time
# (testdata/pgdrift/<case>/setup.sql, each on a fresh copy of the database):
# `drift` must report exactly want.stdout, and `drift --fix --apply` must
# leave no drift behind.  Then: the read-only guarantees (the statements it
# sends, a read-only database), a streaming replica (same findings, no
# repair), --strict, the output formats, and the failures: a bad DSN, a
# wrong password, a statement timeout, a server killed mid-check.
#
#   PBTABLE=build/pbtable sh src/test/pg_drift.sh
#   UPDATE=1 ...   rewrites the want.* files (review the diff!)
#
# Prints `ok N - name` / `not ok N - name` and ends with
# `drift: N passed, N failed` ($SUITE instead of drift when set).
suite=${SUITE:-drift}
. src/test/lib.sh
td=$top/testdata/pgdrift
cfg=testdata/pgdrift/pbtable.yaml	# relative: it appears in the output

cleanup_more() {
	[ -n "$locker" ] && kill "$locker" 2>/dev/null
	[ -n "$bg" ] && kill "$bg" 2>/dev/null
}

pg_suite_start

# The databases' labels hold the temp dir and port: name them instead.
norm() {
	sed -e "s|$PG_DIR:${PG_REPLICA_PORT:-none}/|REPLICA/|g" -e "s|$PG_DIR:$PGPORT/|PRIMARY/|g" \
		-e "s|$PG_DIR|PGDIR|g"
}

# drift DB ARGS...: run `pbtable drift` on database DB of the primary;
# stdout (labels named) in $work/out, stderr in $work/err, status in $rc.
drift() {
	db=$1
	shift
	"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn "dbname=$db" "$@" \
		> "$work/raw" 2> "$work/err.raw"
	rc=$?
	norm < "$work/raw" > "$work/out"
	norm < "$work/err.raw" > "$work/err"
}

# same NAME FILE WANT_FILE: FILE must equal WANT_FILE (UPDATE=1 writes it).
same() {
	if [ -n "$UPDATE" ]; then
		cp "$2" "$3"
	fi
	if [ -f "$3" ] && cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1" "$(diff "$3" "$2" 2>&1 | head -n 8)"
	fi
}

# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "want: $3" "got:  $2"
	fi
}

protoc --include_imports --include_source_info -I "$top/testdata/pgtest/v1" \
	-o "$work/v1.binpb" order.proto || not_ok "protoc v1"

# ---------------------------------------------------------------- no drift
q "CREATE DATABASE base" >/dev/null
"$PBTABLE" ddl "$work/v1.binpb" --config "$cfg" --apply --dsn dbname=base 2> "$work/err"
is "ddl --apply the drift test tables" "$?" 0
drift base -v
is "no drift right after ddl --apply (exit 0)" "$rc" 0
is "... and nothing on stdout" "$(cat "$work/out")" ""
# 12 = SET SESSION, BEGIN, 2 SET LOCAL, pg_is_in_recovery, 7 catalog queries:
# no EXPLAIN was needed, so every expression was predicted exactly
is "... in a fixed number of queries" "$(cat "$work/err")" \
	"pbtable: PRIMARY/base: 0 findings, 12 queries"
"$PBTABLE" drift "$top/testdata/pgtest/v1" --config "$cfg" --dsn dbname=base \
	> "$work/out" 2> "$work/err"
is "the same check from the .proto sources (compiled with protoc): no drift" \
	"$?|$(cat "$work/out" "$work/err")" "0|"

# Every column type pbtable maps (testdata/pgtest), predicted exactly too.
q "CREATE DATABASE alltypes" >/dev/null
"$PBTABLE" ddl "$work/v1.binpb" --config "$top/testdata/pgtest/pbtable.yaml" --apply \
	--dsn dbname=alltypes 2> "$work/err"
"$PBTABLE" drift "$work/v1.binpb" --config "$top/testdata/pgtest/pbtable.yaml" \
	--dsn dbname=alltypes -v > "$work/out" 2> "$work/err.raw"
rc=$?
is "every type: no drift, every expression predicted (no EXPLAIN)" \
	"$rc $(norm < "$work/err.raw")" "0 pbtable: PRIMARY/alltypes: 0 findings, 12 queries"

# ---------------------------------------------------------------- cases
# Each case: damage a copy of base, check the report, repair, check again.
for dir in "$td"/*/; do
	c=$(basename "$dir")
	[ -f "$dir/setup.sql" ] || continue
	q "CREATE DATABASE \"c_$c\" TEMPLATE base" >/dev/null
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "c_$c" -f "$dir/setup.sql" >/dev/null 2>"$work/err"; then
		not_ok "$c: setup.sql" "$(cat "$work/err")"
		continue
	fi
	drift "c_$c"
	want_rc=100
	[ -s "$dir/want.stdout" ] || want_rc=0
	[ -n "$UPDATE" ] && { [ -s "$work/out" ] && want_rc=100 || want_rc=0; }
	is "$c: exit $want_rc" "$rc" "$want_rc"
	same "$c: reports exactly want.stdout" "$work/out" "$dir/want.stdout"
	if [ -f "$dir/want.verbose" ]; then
		drift "c_$c" -v
		same "$c: -v (how many statements) is want.verbose" "$work/err" "$dir/want.verbose"
	fi
	for f in json github-actions sarif; do
		[ -f "$dir/want.$f" ] || continue
		drift "c_$c" --error-format "$f"
		same "$c: --error-format $f" "$work/out" "$dir/want.$f"
	done
	if [ -f "$dir/want.fix" ]; then
		drift "c_$c" --fix --allow-drop
		same "$c: --fix prints the repair in want.fix" "$work/out" "$dir/want.fix"
	fi
	if [ $want_rc = 0 ]; then
		q "DROP DATABASE \"c_$c\"" >/dev/null
		continue
	fi
	# the repair: --allow-drop unless the case says otherwise (fix.args)
	args=--allow-drop
	[ -f "$dir/fix.args" ] && args=$(cat "$dir/fix.args")
	drift "c_$c" --fix --apply $args
	fixed_rc=0
	[ -f "$dir/fixed.rc" ] && fixed_rc=$(cat "$dir/fixed.rc")
	is "$c: drift --fix --apply $args exits $fixed_rc" "$rc" "$fixed_rc"
	drift "c_$c"
	is "$c: ... and a new check agrees" "$rc" "$fixed_rc"
	if [ "$fixed_rc" = 0 ] && [ -s "$work/out" ]; then
		not_ok "$c: ... with nothing left" "$(head -n 3 "$work/out")"
	fi
	q "DROP DATABASE \"c_$c\"" >/dev/null
done

# ---------------------------------------------------------------- --fix without --allow-drop
q "CREATE DATABASE keep TEMPLATE base" >/dev/null
psql -X -q -d keep -f "$td/extra_column/setup.sql" >/dev/null 2>&1
psql -X -q -d keep -f "$td/drop_expression/setup.sql" >/dev/null 2>&1
drift keep --fix
is "--fix without --allow-drop: exit 100 (drift found)" "$rc" 100
case "$(cat "$work/out")" in
*"DROP COLUMN"*) not_ok "... and drops nothing" "$(grep 'DROP COLUMN' "$work/out")" ;;
*) ok "... and drops nothing" ;;
esac
is "... and says what it keeps, on stderr" "$(cat "$work/err")" \
"pbtable: warning: PRIMARY/keep: bare.orders.paid: column paid is a plain column, want GENERATED ALWAYS AS (pbtable.bool_v2(data, 'paid', NULL, false)) STORED; kept: it holds values of its own now (--allow-drop replaces it)
pbtable: warning: PRIMARY/keep: bare.orders.legacy_flag: column legacy_flag (boolean) is not a column of pbt.demo.Order; kept (--allow-drop drops it)
pbtable: warning: PRIMARY/keep: bare.orders.legacy_total: column legacy_total (bigint, generated) is not a column of pbt.demo.Order; kept (--allow-drop drops it)"
drift keep --fix -o "$work/fix.sql"
is "--fix -o FILE: the findings on stdout, the script in FILE: nothing to run" \
	"$rc $(wc -l < "$work/out") $(grep -c '^--   bare.orders' "$work/fix.sql") $(grep -c '^BEGIN;' "$work/fix.sql") $(tail -n 1 "$work/fix.sql")" \
	"100 3 3 0 -- Nothing to run: what is left needs --allow-drop, or a human (the warnings say which)."
drift keep --fix --apply
is "--fix --apply without --allow-drop leaves the kept drift (exit 100)" "$rc" 100
is "... and reports what is left" "$(cut -d: -f2- "$work/out")" \
" bare.orders.paid: not_generated: column paid is a plain column, want GENERATED ALWAYS AS (pbtable.bool_v2(data, 'paid', NULL, false)) STORED
 bare.orders.legacy_flag: extra_column: column legacy_flag (boolean) is not a column of pbt.demo.Order
 bare.orders.legacy_total: extra_column: column legacy_total (bigint, generated) is not a column of pbt.demo.Order"

# ---------------------------------------------------------------- --strict
q "CREATE DATABASE strictdb" >/dev/null
"$PBTABLE" ddl "$work/v1.binpb" --config "$cfg" --strict --apply --dsn dbname=strictdb
drift strictdb --strict
is "ddl --strict, then drift --strict: no drift" "$rc" 0
drift strictdb
is "... and drift without --strict accepts the CHECKs --strict made" "$rc" 0
drift base --strict
n_checks=$("$PBTABLE" ddl "$work/v1.binpb" --config "$cfg" --strict |
	grep 'CONSTRAINT [a-z0-9_]*_check CHECK (' | grep -vc '_data_check CHECK')
is "drift --strict on tables made without it: each --strict CHECK is missing" \
	"$rc $(grep -c ': missing_constraint: constraint [a-z0-9_]*_check is missing$' "$work/out") $(wc -l < "$work/out")" \
	"100 $n_checks $n_checks"
psql -X -q -d strictdb -c "ALTER TABLE bare.orders DROP CONSTRAINT orders_qty_check" \
	-c "ALTER TABLE bare.orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0)" >/dev/null
drift strictdb --strict
is "a --strict CHECK with another expression is constraint_changed" "$(cut -d: -f2- "$work/out")" \
" bare.orders: constraint_changed: constraint orders_qty_check is CHECK ((qty > 0)), want CHECK (qty IS NOT NULL)"
drift strictdb --strict --fix --apply
is "... and --fix --apply --strict restores it" "$rc" 0

# ---------------------------------------------------------------- after migrate
# A field removed compatibly: migrate keeps its column (retired, read-only in
# the view) and its index.  The retired column is not drift; the index is.
md=$top/testdata/ddl/migrate_drop
for v in old new; do
	(cd "$md/$v" && protoc --include_imports -I . -o "$work/md-$v.binpb" *.proto) ||
		not_ok "protoc migrate_drop/$v"
done
q "CREATE DATABASE migrated" >/dev/null
"$PBTABLE" ddl "$work/md-old.binpb" --config "$md/old.yaml" --apply --dsn dbname=migrated &&
	"$PBTABLE" migrate "$work/md-new.binpb" --against "$work/md-old.binpb" \
		--config "$md/pbtable.yaml" --against-config "$md/old.yaml" --apply \
		--dsn dbname=migrated 2>/dev/null
is "ddl, then migrate (a field removed) --apply" "$?" 0
"$PBTABLE" drift "$work/md-new.binpb" --config "$md/pbtable.yaml" --dsn dbname=migrated \
	> "$work/raw" 2>&1
rc=$?
is "after migrate: a retired column is no drift; the index migrate kept is" \
	"$rc $(norm < "$work/raw" | cut -d: -f2-)" \
	"100  public.order: extra_index: index order_coupon_idx (btree on coupon) is not in the config"

# ---------------------------------------------------------------- read-only
# Every statement drift sends, from the server's log: nothing that writes.
q "ALTER SYSTEM SET log_statement = 'all'" >/dev/null
q "ALTER SYSTEM SET log_line_prefix = '%a|'" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
q "CREATE DATABASE logged TEMPLATE base" >/dev/null
psql -X -q -d logged -f "$td/replace_expression/setup.sql" >/dev/null 2>&1
: > "$work/before"
lines=$(wc -l < "$PG_DIR/server.log")
drift logged
is "drift on a database with drift (an EXPLAIN comparison included)" "$rc" 100
sleep 0.3
# simple queries log "statement: ", parameterised ones "execute <unnamed>: "
tail -n +$((lines + 1)) "$PG_DIR/server.log" | grep '^pbtable|LOG: ' |
	sed -n -e 's/^pbtable|LOG:  statement: //p' -e 's/^pbtable|LOG:  execute [^:]*: //p' \
	> "$work/stmts"
# the 16 queries -v counts, and the ROLLBACK that ends them
is "it sends 17 statements, all reads (SET, BEGIN, SELECT, EXPLAIN, savepoints, ROLLBACK)" \
	"$(wc -l < "$work/stmts") $(awk '{ print $1 }' "$work/stmts" | sort -u | tr '\n' ' ')" \
	"17 BEGIN EXPLAIN RELEASE ROLLBACK SAVEPOINT SELECT SET "
is "... the session and the transaction READ ONLY, the latter rolled back" \
	"$(grep -e '^BEGIN' -e '^SET SESSION' -e '^ROLLBACK' "$work/stmts")" \
"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY
ROLLBACK"
q "ALTER SYSTEM RESET log_statement" >/dev/null
q "ALTER SYSTEM RESET log_line_prefix" >/dev/null
q "SELECT pg_reload_conf()" >/dev/null
q "ALTER DATABASE logged SET default_transaction_read_only = on" >/dev/null
drift logged
is "a database that is read-only by default: same report" "$rc $(cut -d: -f2- "$work/out")" \
	"100 $(cut -d: -f2- "$td/replace_expression/want.stdout")"

# ---------------------------------------------------------------- replica
q "CREATE DATABASE onboth TEMPLATE base" >/dev/null
psql -X -q -d onboth -f "$td/replace_expression/setup.sql" >/dev/null 2>&1
psql -X -q -d onboth -f "$td/constraints/setup.sql" >/dev/null 2>&1
psql -X -q -d onboth -f "$td/index_changes/setup.sql" >/dev/null 2>&1
if pg_start_replica && pg_wait_replica; then
	ok "a streaming replica (a copy of the stopped primary), caught up"
	replica_dsn="port=$PG_REPLICA_PORT dbname=onboth"
	drift onboth --dsn "$replica_dsn" -v
	is "primary and replica in one run: exit 100" "$rc" 100
	grep '^PRIMARY/' "$work/out" | sed 's|^PRIMARY/|DB/|' > "$work/p"
	grep '^REPLICA/' "$work/out" | sed 's|^REPLICA/|DB/|' > "$work/r"
	if [ -s "$work/p" ] && cmp -s "$work/p" "$work/r"; then
		ok "... the same findings on both, each under its own database"
	else
		not_ok "... the same findings on both, each under its own database" \
			"$(diff "$work/p" "$work/r" | head -n 5)"
	fi
	is "... the replica is seen as a standby, in as many queries" "$(cat "$work/err")" \
"pbtable: PRIMARY/onboth: 9 findings, 19 queries
pbtable: REPLICA/onboth: standby, 9 findings, 19 queries"
	"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn "$replica_dsn" --fix --apply \
		> "$work/raw" 2> "$work/err.raw"
	rc=$?
	is "--fix --apply on the standby: refused, exit 1" \
		"$rc $(norm < "$work/err.raw" | grep -v ': warning: ')" \
		"1 pbtable: REPLICA/onboth: not repairing a standby (it is in recovery, read-only); repair its primary, and the standby follows"
	"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn "$replica_dsn" > "$work/raw2" 2>&1
	norm < "$work/raw2" | sed 's|^REPLICA/|DB/|' > "$work/r2"
	cmp -s "$work/r" "$work/r2" && ok "... and the catalog is untouched" ||
		not_ok "... and the catalog is untouched" "$(diff "$work/r" "$work/r2" | head -n 5)"
	drift onboth --fix --apply --allow-drop
	is "repair the primary" "$rc" 0
	pg_wait_replica
	"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn "$replica_dsn" > "$work/out" 2>&1
	is "... and the replica has no drift once it caught up" "$?" 0
else
	not_ok "a streaming replica (a copy of the stopped primary), caught up" "see the messages above"
fi

# ---------------------------------------------------------------- failures
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn "host=$PG_DIR port=1 dbname=x" \
	> "$work/out" 2> "$work/err.raw"
rc=$?
is "a bad DSN: exit 1, one line with libpq's message, nothing on stdout" \
	"$rc|$(norm < "$work/err.raw")|$(cat "$work/out")" \
	"1|pbtable: PGDIR:1/x: cannot connect: connection to server on socket \"PGDIR/.s.PGSQL.1\" failed: No such file or directory Is the server running locally and accepting connections on that socket?|"

# A password user, and pg_hba asking it for the password (scram).
q "CREATE ROLE pbt_pw LOGIN PASSWORD 'secret'" >/dev/null
hba=$PG_DIR/data/pg_hba.conf
{ echo "local all pbt_pw scram-sha-256"; cat "$hba"; } > "$work/hba"
cat "$work/hba" > "$hba"
q "SELECT pg_reload_conf()" >/dev/null
sleep 0.3
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" \
	--dsn "dbname=base user=pbt_pw password=wrong" > "$work/out" 2> "$work/err.raw"
rc=$?
is "a wrong password: exit 1, one line" "$rc|$(norm < "$work/err.raw")" \
	"1|pbtable: PRIMARY/base: cannot connect: connection to server on socket \"PGDIR/.s.PGSQL.$PGPORT\" failed: FATAL: password authentication failed for user \"pbt_pw\""
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" \
	--dsn "dbname=base user=pbt_pw password=secret" > "$work/out" 2> "$work/err"
is "the right password, as a user with no privileges on the tables: no drift" "$?" 0
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" \
	--dsn "dbname=logged user=pbt_pw password=secret" > "$work/raw" 2> "$work/err"
rc=$?
# Comparing through the server needs USAGE on schema pbtable (to look up the
# helpers); without it the pair is reported, with the server's reason.
is "... where the server must compare expressions, no USAGE on pbtable: reported, with the reason" \
	"$rc $(norm < "$work/raw" | cut -d: -f2-)" \
	"100 $(cut -d: -f2- "$td/replace_expression/want.stdout") (the server could not compare them: query failed: permission denied for schema pbtable)"
psql -X -q -d logged -c "SET default_transaction_read_only = off" \
	-c "GRANT USAGE ON SCHEMA pbtable TO pbt_pw" >/dev/null
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" \
	--dsn "dbname=logged user=pbt_pw password=secret" > "$work/raw" 2> "$work/err"
rc=$?
is "... with USAGE on schema pbtable: the same report as the owner's" \
	"$rc $(norm < "$work/raw" | cut -d: -f2-)" "100 $(cut -d: -f2- "$td/replace_expression/want.stdout")"
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn "dbname=base" \
	--dsn "dbname=base user=pbt_pw password=wrong" --dsn dbname=keep > "$work/raw" 2> "$work/err.raw"
rc=$?
is "one bad database of three: exit 1, the others still reported" \
	"$rc $(grep -c 'cannot connect' "$work/err.raw") $(norm < "$work/raw" | cut -d/ -f2 | cut -d: -f1 | sort -u | tr '\n' ' ')" \
	"1 1 keep "

# A catalog held by another session: the check waits on its lock.
hold_catalog() {
	PGAPPNAME=pbt-locker psql -X -q -d base -c "BEGIN; LOCK TABLE pg_catalog.pg_description
		IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);" >/dev/null 2>&1 &
	locker=$!
	i=0
	while [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE a.application_name = 'pbt-locker' AND l.granted
		AND l.relation = 'pg_catalog.pg_description'::regclass")" != 1 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
hold_catalog
drift base --statement-timeout 300ms
is "statement_timeout: exit 1, the timeout as the reason, nothing on stdout" \
	"$rc|$(cat "$work/err")|$(cat "$work/out")" \
	"1|pbtable: PRIMARY/base: query failed: canceling statement due to statement timeout
pbtable: while reading relations|"
drift base --statement-timeout 300ms --dsn "dbname=base"
is "... per database: each times out on its own" "$rc $(grep -c 'statement timeout' "$work/err")" "1 2"

# The server goes away while drift waits on that lock.
"$PBTABLE" drift "$work/v1.binpb" --config "$cfg" --dsn dbname=base > "$work/raw" 2> "$work/err.raw" &
bg=$!
i=0
while [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pbtable'
	AND wait_event_type = 'Lock'")" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
wait "$bg"
rc=$?
bg=
wait "$locker" 2>/dev/null
locker=
case "$rc|$(norm < "$work/err.raw" | head -n 1)|$(cat "$work/raw")" in
"1|pbtable: PRIMARY/base: lost the connection: "*"|") ok "a server killed mid-check: exit 1, lost the connection, no report" ;;
"1|pbtable: PRIMARY/base: query failed: terminating connection"*"|") ok "a server killed mid-check: exit 1, lost the connection, no report" ;;
*) not_ok "a server killed mid-check: exit 1, lost the connection, no report" \
	"exit $rc" "$(cat "$work/err.raw")" "$(head -n 3 "$work/raw")" ;;
esac

finish
