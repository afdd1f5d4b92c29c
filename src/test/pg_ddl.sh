#!/bin/sh
# pbtables against a real PostgreSQL: start a throwaway cluster
# (src/test/pg_cluster.sh), apply what `pbtable ddl` and `pbtable migrate`
# generate (with --apply, i.e. through libpq), and check what the server
# does with it: generated column values for real proto3 JSON (rows in
# testdata/pgtest/rows/, written by hand from the JSON mapping spec, with
# the expected value of each column), bad values, the writable view,
# migrate on a table holding rows, the WIRE_JSON refusal, lock_timeout,
# injection-shaped names in the catalog.  psql is used by the test only.
#
#   PBTABLE=build/pbtable sh src/test/pg_ddl.sh
#
# Prints `ok N - name` / `not ok N - name` and ends with
# `pg: N passed, N failed` ($SUITE instead of pg when set).
suite=${SUITE:-pg}
. src/test/lib.sh
td=$top/testdata/pgtest
tab=$(printf '\t')

cleanup_more() {
	[ -n "$locker" ] && kill "$locker" 2>/dev/null
}

pg_suite_start
db=$PG_DIR:$PGPORT	# errors name their database: host:port/dbname

# check NAME SQL WANT: the query's output must be WANT.
check() {
	got=$(q "$2")
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "query: $2" "want: $3" "got:  $got"
	fi
}

# check_fails NAME SQL PATTERN: the query must fail with PATTERN in the error.
check_fails() {
	got=$(q "$2")
	case "$got" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "query: $2" "want an error with: $3" "got: $got" ;;
	esac
}

# run NAME WANT_EXIT CMD...: a pbtable command and its exit status.
run() {
	name=$1 want=$2
	shift 2
	"$@" > "$work/out" 2> "$work/err"
	rc=$?
	if [ $rc = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $rc, want $want" "$(head -n 3 "$work/err")"
	fi
}

# Compile the test schemas.
for v in v1 v2 v2break; do
	protoc --include_imports --include_source_info -I "$td/$v" \
		-o "$work/$v.binpb" order.proto || not_ok "protoc $v"
done
protoc --include_imports -I "$top/testdata/ddl/injection/set" -o "$work/inj.binpb" inj.proto ||
	not_ok "protoc injection"
# Field and enum value names protoc would refuse (testdata/pgtest/names.txtpb).
protoc --encode=google.protobuf.FileDescriptorSet -I "$top/testdata/proto" \
	"$top/testdata/proto/descriptor.proto" < "$td/names.txtpb" > "$work/names.binpb" ||
	not_ok "protoc --encode names"

# ---------------------------------------------------------------- ddl --apply
run "ddl --apply creates the v1 pbtables" 0 \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$td/pbtable.yaml" --apply
check "ddl --apply prints nothing" "SELECT '$(cat "$work/out")'" ""
check "generated columns are STORED generated columns" \
	"SELECT count(*) FROM pg_attribute WHERE attrelid = 'shop.orders'::regclass
	 AND attgenerated = 's'" "43"
check "helpers are IMMUTABLE and PARALLEL SAFE" \
	"SELECT string_agg(proname || ':' || provolatile::text || proparallel::text, ' ' ORDER BY proname)
	 FROM pg_proc WHERE pronamespace = 'pbtable'::regnamespace" \
	"bool_v2:is bytes_out_v1:is bytes_v2:is case_v2:is duration_out_v2:is duration_secs_v2:is duration_v2:is dursecs_out_v2:is empty_v2:is enum_num_v2:is enum_out_v2:is enum_v2:is fieldmask_out_v2:is fieldmask_v2:is float4_v2:is float8_v2:is float_out_v2:is int32_v2:is int64_v2:is int_out_v2:is json_in_v2:is json_v2:is msg_v2:is oneof_v2:is set_v2:is text_v2:is ts_out_v2:is ts_v2:is uint32_v2:is uint64_v2:is unset_v2:is valid_v2:is value_v2:is"
check "each helper's fingerprint body_sha is sha256 of its body (prosrc)" \
	"SELECT count(*) FROM pg_proc p WHERE pronamespace = 'pbtable'::regnamespace
	 AND obj_description(p.oid, 'pg_proc') NOT LIKE
	     '%body_sha=' || left(encode(sha256(convert_to(p.prosrc, 'UTF8')), 'hex'), 16)" "0"
check "table, view and columns carry fingerprints" \
	"SELECT obj_description('shop.orders'::regclass, 'pg_class') || ' | ' ||
	        obj_description('shop.orders_v'::regclass, 'pg_class') || ' | ' ||
	        col_description('shop.orders'::regclass, 3)" \
	"pbtable:1 kind=table message=pbt.demo.Order pk=id view=orders_v | pbtable:1 kind=view message=pbt.demo.Order table=orders | pbtable:1 kind=column message=pbt.demo.Order field=2 path=qty json=qty type=int32 presence=implicit pgtype=integer helper=pbtable.int32_v2 expr_sha=6d77951841164eb9"
check "expr_sha is sha256 of the expression pbtable generated" \
	"SELECT left(encode(sha256(convert_to('pbtable.int32_v2(data, ''qty'', NULL, 0)', 'UTF8')), 'hex'), 16)" \
	"6d77951841164eb9"
check "INSTEAD OF trigger on the view" \
	"SELECT tgname || ' ' || tgtype FROM pg_trigger WHERE tgrelid = 'shop.orders_v'::regclass" \
	"orders_v_dml 93"
run "ddl --apply again fails: the tables exist" 1 \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$td/pbtable.yaml" --apply
if [ "$(cat "$work/err")" = "pbtable: $db/postgres: query failed: relation \"event\" already exists
pbtable: in: CREATE TABLE public.event (" ]; then
	ok "apply error names the failure and the statement"
else
	not_ok "apply error names the failure and the statement" "$(cat "$work/err")"
fi

# One transaction: a later failure leaves nothing of the earlier tables.
cat > "$work/atomic.yaml" <<'EOF'
tables:
  - { message: pbt.demo.Address, table: atomic.addresses }
  - { message: pbt.demo.Order, table: shop.orders }
EOF
run "ddl --apply of a half-existing set fails" 1 \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$work/atomic.yaml" --apply
check "... and leaves nothing behind (one transaction)" \
	"SELECT count(*) FROM pg_namespace WHERE nspname = 'atomic'" "0"
run "--apply with a bad DSN fails cleanly" 1 \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$td/pbtable.yaml" --apply \
	--dsn "host=$PG_DIR port=1 connect_timeout=2"
case "$(wc -l < "$work/err")|$(cat "$work/err")" in
*"1|pbtable: $PG_DIR:1/postgres: cannot connect: connection to server on socket \"$PG_DIR/.s.PGSQL.1\" failed: No such file or directory"*) ok "... with one line saying so, libpq's reason in it" ;;
*) not_ok "... with one line saying so, libpq's reason in it" "$(cat "$work/err")" ;;
esac

# A helper never changes under its name: one with another body stops ddl.
q "CREATE DATABASE tampered" >/dev/null
PGDATABASE=tampered q "CREATE SCHEMA pbtable;
	CREATE FUNCTION pbtable.text_v2(p jsonb, k text, k2 text, dflt text) RETURNS text
	LANGUAGE sql IMMUTABLE AS 'SELECT upper(p ->> k)'" >/dev/null
run "ddl --apply refuses to replace a helper that has another body" 1 env PGDATABASE=tampered \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$td/pbtable.yaml" --apply
case "$(cat "$work/err")" in
"pbtable: $db/tampered: query failed: helper pbtable.text_v2(jsonb, text, text, text) exists with another body"*) ok "... naming it" ;;
*) not_ok "... naming it" "$(cat "$work/err")" ;;
esac

# ---------------------------------------------------------------- values
# Each row of testdata/pgtest/rows goes in as written; every column named
# in its .want file must read the value given there.
for f in "$td"/rows/*.json; do
	r=$(basename "$f" .json)
	# psql expands :'doc' (quoted as a literal) only in its input, not in -c
	if printf '%s\n' "INSERT INTO shop.orders (data) VALUES (:'doc');" |
		psql -X -q -v ON_ERROR_STOP=1 -v doc="$(cat "$f")" >/dev/null 2>"$work/err"; then
		ok "insert rows/$r.json"
	else
		not_ok "insert rows/$r.json" "$(cat "$work/err")"
		continue
	fi
	id=$(grep -o '"id": *"[^"]*"' "$f" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
	psql -X -A -F "$tab" -P null=NULL -P footer=off \
		-c "SELECT * FROM shop.orders_v WHERE id = '$id'" > "$work/row" 2>&1
	grep -v '^#' "${f%.json}.want" | while IFS= read -r line; do
		col=${line%%=*}
		want=${line#*=}
		got=$(awk -F "$tab" -v c="$col" '
			NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
			NR == 2 && k { print $k; found = 1 }
			END { if (!found) print "<no column " c ">" }' "$work/row")
		if [ "$got" = "$want" ]; then
			echo "ok - rows/$r $col"
		else
			echo "not ok - rows/$r $col: want '$want', got '$got'"
		fi
	done > "$work/cols"
	while IFS= read -r l; do
		case "$l" in
		"ok - "*) ok "${l#ok - }" ;;
		*) not_ok "${l#not ok - }" ;;
		esac
	done < "$work/cols"
done
check "every row was kept, bad values and all" "SELECT count(*) FROM shop.orders" "6"
check "a bad row's data is stored as written" \
	"SELECT data->>'qty' || ' ' || (data->>'totalCents') FROM shop.orders WHERE id = 'bad'" "x 12abc"

# Generated values must not depend on the session: insert the same
# documents under another TimeZone and DateStyle and compare.
got=$(PGTZ=America/New_York PGDATESTYLE='SQL, DMY' q "
	INSERT INTO shop.orders (data) SELECT jsonb_set(data - 'maybeNote', '{id}', to_jsonb('tz-' || id))
	FROM shop.orders WHERE id IN ('full', 'alt')")
[ -z "$got" ] || not_ok "insert under another TimeZone" "$got"
check "timestamps do not depend on TimeZone or DateStyle" \
	"SELECT count(*) FROM shop.orders a JOIN shop.orders b ON b.id = 'tz-' || a.id
	 WHERE a.created_at = b.created_at AND a.ttl = b.ttl" "2"
check "'now', offset-less times and lower-case t or z are not timestamps" \
	"SELECT count(*) FROM unnest(ARRAY['\"now\"', '\"2024-06-01T12:00:00\"',
	   '\"2024-06-01t12:00:00Z\"', '\"2024-06-01T12:00:00z\"']::jsonb[]) j
	 WHERE pbtable.ts_v2(j, NULL, NULL) IS NULL" "4"
q "DELETE FROM shop.orders WHERE id LIKE 'tz-%'" >/dev/null

# ---------------------------------------------------------------- view
check "INSERT through the view writes canonical JSON into data" \
	"INSERT INTO shop.orders_v (id, qty, total_cents, big_counter, price, paid, status, blob,
	   created_at, ttl, maybe_count, mask, opt_qty, card, ship_to_city, ids, attrs, nothing,
	   maybe_flag, s64)
	 VALUES ('w1', 7, 9007199254740993, 18446744073709551615, 'NaN', true, 'STATUS_NEW',
	   '\\xdeadbeef', '2024-06-01 12:00:00.123456+02', '1.5 seconds', 0, '{a.b,c}', 0,
	   'visa', 'Oslo', '[\"1\"]', '{\"k\": [1]}', true, false, -9223372036854775808)
	 RETURNING data = '{\"id\": \"w1\", \"qty\": 7, \"totalCents\": \"9007199254740993\",
	   \"bigCounter\": \"18446744073709551615\", \"price\": \"NaN\", \"paid\": true,
	   \"status\": \"STATUS_NEW\", \"blob\": \"3q2+7w==\",
	   \"createdAt\": \"2024-06-01T10:00:00.123456Z\", \"ttl\": \"1.500s\",
	   \"maybeCount\": \"0\", \"mask\": \"a.b,c\", \"optQty\": 0, \"card\": \"visa\",
	   \"shipTo\": {\"city\": \"Oslo\"}, \"ids\": [\"1\"], \"attrs\": {\"k\": [1]},
	   \"nothing\": {}, \"maybeFlag\": false, \"s64\": \"-9223372036854775808\"}'::jsonb" "t"
check "... and the columns read back what was written" \
	"SELECT concat_ws(' ', qty, total_cents, big_counter, price, status, blob, created_at,
	   ttl, maybe_count, mask, opt_qty, payment, ship_to_city, nothing, maybe_flag, s64)
	 FROM shop.orders WHERE id = 'w1'" \
	"7 9007199254740993 18446744073709551615 NaN STATUS_NEW \\xdeadbeef 2024-06-01 10:00:00.123456+00 00:00:01.5 0 {a.b,c} 0 card Oslo t f -9223372036854775808"
check "INSERT ... RETURNING through the view shows the stored row" \
	"INSERT INTO shop.orders_v (id, created_at) VALUES ('w3', '2024-01-01 00:00:00+05')
	 RETURNING created_at" "2023-12-31 19:00:00+00"
check "INSERT with data and columns: columns override, unknown keys stay" \
	"INSERT INTO shop.orders_v (id, qty, data)
	 VALUES ('w2', 3, '{\"futureField\": \"keep me\", \"qty\": 1, \"shipTo\": {\"postalCode\": \"0150\"}}')
	 RETURNING data" \
	'{"id": "w2", "qty": 3, "shipTo": {"postalCode": "0150"}, "futureField": "keep me"}'
check "UPDATE merges: nested keys kept, defaults removed, unknown keys survive" \
	"UPDATE shop.orders_v SET ship_to_city = 'Bergen', iban = 'NO12', qty = 0 WHERE id = 'w2'
	 RETURNING data" \
	'{"id": "w2", "iban": "NO12", "shipTo": {"city": "Bergen", "postalCode": "0150"}, "futureField": "keep me"}'
check "UPDATE of a oneof member clears the other member" \
	"UPDATE shop.orders_v SET iban = 'X' WHERE id = 'w1' RETURNING (data ? 'card')::text || ' ' || payment" \
	"false iban"
check "an enum value without a name is written as a number" \
	"UPDATE shop.orders_v SET status = '7' WHERE id = 'w1' RETURNING jsonb_typeof(data->'status') || ' ' || status_num" \
	"number 7"
check "UPDATE of a column changes only its key" \
	"UPDATE shop.orders_v SET price = 'Infinity', ratio = 0 WHERE id = 'full'
	 RETURNING (data->>'price') || ' ' || (data ? 'ratio')::text || ' ' || (data->>'note')" \
	"Infinity false from a newer writer"
check "UPDATE of data itself replaces the document" \
	"UPDATE shop.orders_v SET data = '{\"id\": \"w3\", \"qty\": 99}' WHERE id = 'w3' RETURNING data" \
	'{"id": "w3", "qty": 99}'
check "changing the primary key column through the view" \
	"UPDATE shop.orders_v SET id = 'w3b' WHERE id = 'w3' RETURNING data->>'id'" "w3b"
check "DELETE through the view" \
	"DELETE FROM shop.orders_v WHERE id IN ('w2', 'w3b') RETURNING id" "$(printf 'w2\nw3b')"
printf 'c1\t4\tSTATUS_PAID\n' |
	psql -X -q -v ON_ERROR_STOP=1 -c "COPY shop.orders_v (id, qty, status) FROM STDIN" >/dev/null 2>&1
check "COPY into the view goes through the trigger" \
	"SELECT data FROM shop.orders WHERE id = 'c1'" '{"id": "c1", "qty": 4, "status": "STATUS_PAID"}'
check_fails "generated columns cannot be written directly" \
	"UPDATE shop.orders SET qty = 1 WHERE id = 'w1'" "can only be updated to DEFAULT"
check "a table without an id gets a row id; nested paths are created" \
	"INSERT INTO event_v (name, order_total_cents, order_ship_to_city) VALUES ('e1', 5, 'Rome')
	 RETURNING pbt_rowid || ' ' || data::text" \
	'1 {"name": "e1", "order": {"shipTo": {"city": "Rome"}, "totalCents": "5"}}'
check "... and its oneof case column reads the nested oneof" \
	"UPDATE event_v SET data = data || '{\"order\": {\"card\": \"amex\"}}' WHERE name = 'e1'
	 RETURNING coalesce(order_payment, 'NULL') || ' ' || order_total_cents" "card 0"

# ---------------------------------------------------------------- --strict
cat > "$work/strict.yaml" <<'EOF'
tables:
  - message: pbt.demo.Order
    table: strict.orders
    columns: [id, qty, created_at, ship_to.city]
EOF
run "ddl --strict --apply" 0 \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$work/strict.yaml" --strict --apply
check "--strict: a good row goes in" \
	"INSERT INTO strict.orders (data) VALUES ('{\"id\": \"s1\", \"qty\": \"5\"}') RETURNING qty" "5"
check_fails "--strict: a bad value is rejected by a named CHECK" \
	"INSERT INTO strict.orders (data) VALUES ('{\"id\": \"s2\", \"qty\": 1.5}')" \
	'violates check constraint "orders_qty_check"'
check_fails "--strict: so is a bad timestamp" \
	"INSERT INTO strict.orders (data) VALUES ('{\"id\": \"s3\", \"createdAt\": \"2023-02-29T00:00:00Z\"}')" \
	'violates check constraint "orders_created_at_check"'
check_fails "data must be a JSON object" \
	"INSERT INTO strict.orders (data) VALUES ('[1]')" 'violates check constraint "orders_data_check"'

# ---------------------------------------------------------------- migrate
run "migrate refuses a WIRE_JSON break of a projected field" 1 \
	"$PBTABLE" migrate "$work/v2break.binpb" --against "$work/v1.binpb" \
	--config "$td/pbtable.yaml" --apply
case "$(head -n 1 "$work/err")" in
*"refusing to migrate shop.orders: "*"json_name"*"(FIELD_SAME_JSON_NAME breaks WIRE_JSON)") ok "... naming the change" ;;
*) not_ok "... naming the change" "$(cat "$work/err")" ;;
esac
check "... and touches nothing" \
	"SELECT count(*) FROM pg_attribute WHERE attrelid = 'shop.orders'::regclass AND attnum > 0
	 AND NOT attisdropped" "44"
run "migrate v1 -> v2 --apply on a table holding rows" 0 \
	"$PBTABLE" migrate "$work/v2.binpb" --against "$work/v1.binpb" \
	--config "$td/pbtable-v2.yaml" --against-config "$td/pbtable.yaml" --apply
check "the new columns are filled from the stored documents" \
	"SELECT concat_ws(' | ', note, discount, shipped_at) FROM shop.orders WHERE id = 'full'" \
	"from a newer writer | 250 | 2024-06-02 08:30:00+00"
check "... and read defaults where the documents lack them" \
	"SELECT concat_ws(' | ', quote_literal(note), discount, coalesce(shipped_at::text, 'NULL'))
	 FROM shop.orders WHERE id = 'empty'" "'' | 0 | NULL"
check "the new index was built CONCURRENTLY and is valid" \
	"SELECT indisvalid FROM pg_index WHERE indexrelid = 'shop.orders_discount_idx'::regclass" "t"
check "the view gained the new columns and writes them" \
	"UPDATE shop.orders_v SET note = 'n', discount = 7 WHERE id = 'alt'
	 RETURNING (data->>'note') || ' ' || (data->>'discount')" "n 7"
check "old columns and rows are untouched" \
	"SELECT count(*) || ' ' || sum(qty) FROM shop.orders WHERE id IN ('full', 'alt', 'empty')" "3 5"
run "migrate v2 -> v2 has nothing to do" 0 \
	"$PBTABLE" migrate "$work/v2.binpb" --against "$work/v2.binpb" --config "$td/pbtable-v2.yaml"
case "$(cat "$work/out")" in
"-- pbtable migrate: nothing to do.") ok "... and says so" ;;
*) not_ok "... and says so" "$(head -n 3 "$work/out")" ;;
esac

# An enum that gained a value changes its column's expression: kept (with a
# warning) by default, dropped and added again with --allow-drop.
ma=$top/testdata/ddl/migrate_add
for v in old new; do
	protoc --include_imports -I "$ma/$v" -o "$work/ma-$v.binpb" shop.proto || not_ok "protoc ma-$v"
done
q "CREATE DATABASE ma" >/dev/null
run "ddl --apply (migrate_add/old)" 0 env PGDATABASE=ma \
	"$PBTABLE" ddl "$work/ma-old.binpb" --config "$ma/old.yaml" --apply
PGDATABASE=ma q "INSERT INTO \"order\" (data) VALUES ('{\"id\": \"a\", \"status\": \"STATUS_NEW\"}'),
	('{\"id\": \"b\", \"status\": 2, \"weightGrams\": 12}')" >/dev/null
run "migrate without --allow-drop keeps the changed column" 0 env PGDATABASE=ma \
	"$PBTABLE" migrate "$work/ma-new.binpb" --against "$work/ma-old.binpb" \
	--config "$ma/pbtable.yaml" --against-config "$ma/old.yaml" -o "$work/ma.sql"
case "$(cat "$work/err")" in
*'status: the expression changed'*'--allow-drop recreates it'*) ok "... and warns" ;;
*) not_ok "... and warns" "$(cat "$work/err")" ;;
esac
run "migrate --allow-drop --apply recreates it" 0 env PGDATABASE=ma \
	"$PBTABLE" migrate "$work/ma-new.binpb" --against "$work/ma-old.binpb" \
	--config "$ma/pbtable.yaml" --against-config "$ma/old.yaml" --allow-drop --apply
PGDATABASE=ma
check "... reading the new enum value, and filling the new columns" \
	"SELECT string_agg(id || ' ' || status || ' ' || weight_grams, ', ' ORDER BY id) FROM \"order\"" \
	"a STATUS_NEW 0, b STATUS_SHIPPED 12"
check "... with its index rebuilt and the view and trigger back" \
	"SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = 'order_status_idx'::regclass)::text
	 || ' ' || (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'order_v'::regclass)" "true 1"
check "... and the view writes the new value" \
	"UPDATE order_v SET status = 'STATUS_SHIPPED', weight_grams = 3 WHERE id = 'a' RETURNING data" \
	'{"id": "a", "status": "STATUS_SHIPPED", "weightGrams": 3}'
PGDATABASE=postgres

# lock_timeout: a reader holding the table makes ADD COLUMN wait; with
# --lock-timeout it gives up instead of queueing every other session.
cat > "$work/lock1.yaml" <<'EOF'
tables:
  - { message: pbt.demo.Address, table: lk.addresses, columns: [city] }
EOF
cat > "$work/lock2.yaml" <<'EOF'
tables:
  - { message: pbt.demo.Address, table: lk.addresses, columns: [city, postal_code] }
EOF
run "ddl --apply lk.addresses" 0 "$PBTABLE" ddl "$work/v1.binpb" --config "$work/lock1.yaml" --apply

# A session holding lk.addresses makes ALTER TABLE wait.
hold_lock() {
	PGAPPNAME=pbt-locker psql -X -q -c "BEGIN; SELECT count(*) FROM lk.addresses; SELECT pg_sleep(60);" \
		>/dev/null 2>&1 &
	locker=$!
	i=0
	while [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE a.application_name = 'pbt-locker' AND l.relation = 'lk.addresses'::regclass")" != 1 ] &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
release_lock() {
	q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pbt-locker'" >/dev/null
	wait "$locker" 2>/dev/null
	locker=
}
no_postal_code() {
	check "$1" \
		"SELECT count(*) FROM pg_attribute WHERE attrelid = 'lk.addresses'::regclass AND attname = 'postal_code'" "0"
}

hold_lock
run "migrate --apply --lock-timeout 300ms gives up on a locked table" 1 \
	"$PBTABLE" migrate "$work/v1.binpb" --against "$work/v1.binpb" --config "$work/lock2.yaml" \
	--against-config "$work/lock1.yaml" --lock-timeout 300ms --apply
case "$(head -n 1 "$work/err")" in
"pbtable: $db/postgres: query failed: canceling statement due to lock timeout") ok "... with the lock timeout as the reason" ;;
*) not_ok "... with the lock timeout as the reason" "$(cat "$work/err")" ;;
esac
detail="$(sed -n 2p "$work/err")"
if [ "$detail" = "pbtable: in: ALTER TABLE lk.addresses (it takes ACCESS EXCLUSIVE on lk.addresses)" ]; then
	ok "... naming the statement and the lock it takes"
else
	not_ok "... naming the statement and the lock it takes" "$detail"
fi
release_lock
no_postal_code "... and changed nothing"

# ---------------------------------------------------------------- faults
# Each fault: exit 1, one line on stderr saying what (and libpq's text or
# the statement as detail on the next), and nothing of the DDL applied.

# first_line NAME WANT: the first line of stderr is WANT (a glob pattern).
first_line() {
	case "$(head -n 1 "$work/err")" in
	$2) ok "$1" ;;
	*) not_ok "$1" "want: $2" "got: $(cat "$work/err")" ;;
	esac
}

run "ddl --apply as a role that does not exist fails" 1 \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$work/lock1.yaml" --apply --dsn "user=pbt_nobody"
case "$(wc -l < "$work/err")|$(cat "$work/err")" in
*"1|pbtable: $db/postgres: cannot connect: "*'role "pbt_nobody" does not exist') ok "... with one line saying so, libpq's reason in it" ;;
*) not_ok "... with one line saying so, libpq's reason in it" "$(cat "$work/err")" ;;
esac

q "CREATE DATABASE ro" >/dev/null
q "ALTER DATABASE ro SET default_transaction_read_only = on" >/dev/null
run "ddl --apply on a read-only database (a replica's refusal) fails" 1 env PGDATABASE=ro \
	"$PBTABLE" ddl "$work/v1.binpb" --config "$td/pbtable.yaml" --apply
first_line "... with one line saying why" \
	"pbtable: $db/ro: query failed: cannot execute CREATE SCHEMA in a read-only transaction"
PGDATABASE=ro check "... and the database is untouched" \
	"SELECT count(*) FROM pg_namespace WHERE nspname IN ('pbtable', 'shop')" "0"

hold_lock
run "migrate --apply hitting statement_timeout (no lock_timeout) fails" 1 \
	"$PBTABLE" migrate "$work/v1.binpb" --against "$work/v1.binpb" --config "$work/lock2.yaml" \
	--against-config "$work/lock1.yaml" --lock-timeout 0 --apply \
	--dsn "options='-c statement_timeout=300'"
first_line "... with the statement timeout as the reason" \
	"pbtable: $db/postgres: query failed: canceling statement due to statement timeout"
release_lock
no_postal_code "... and changed nothing"

# The server side of the connection goes away while migrate waits.
hold_lock
PGAPPNAME=pbt-victim "$PBTABLE" migrate "$work/v1.binpb" --against "$work/v1.binpb" \
	--config "$work/lock2.yaml" --against-config "$work/lock1.yaml" --lock-timeout 0 --apply \
	> "$work/out" 2> "$work/err" &
victim=$!
i=0
while [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pbt-victim'
	AND wait_event_type = 'Lock'")" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pbt-victim'" >/dev/null
wait "$victim"
rc=$?
[ $rc = 1 ] && ok "migrate --apply whose connection is killed mid-statement: exit 1" ||
	not_ok "migrate --apply whose connection is killed mid-statement: exit 1" "exit $rc" "$(cat "$work/err")"
first_line "... with one line saying so" "pbtable: $db/postgres: lost the connection: terminating connection due to administrator command"
release_lock
no_postal_code "... and changed nothing"

# ---------------------------------------------------------------- names
run "ddl --apply with injection-shaped names" 0 \
	"$PBTABLE" ddl "$work/inj.binpb" --config "$top/testdata/ddl/injection/pbtable.yaml" --apply
check "schema, table, view and index names arrive intact" \
	"SELECT string_agg(quote_ident(c.relname) || ':' || c.relkind::text, ' ' ORDER BY c.relname)
	 FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace
	 WHERE nspname = E'we''ird;\\n schema')" \
	'"Tab""le; DROP TABLE t; --":r "Tab""le; DROP TABLE t; --_pkey":i "idx""; --":i "vïew $$ x":v'
check "column names arrive intact" \
	"SELECT string_agg(attname, ' | ' ORDER BY attnum) FROM pg_attribute WHERE attrelid =
	 (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	  WHERE n.nspname = E'we''ird;\\n schema' AND c.relkind = 'r') AND attnum > 0" \
	'data | id | col$$; -- | SELECT | ünï'
check "JSON keys with quotes, \$\$ and backslashes read and write" \
	"INSERT INTO \"we'ird;
 schema\".\"vïew \$\$ x\" (id, \"col\$\$; --\", \"SELECT\", \"ünï\") VALUES ('k1', 42, 'bs', 'u')
	 RETURNING data::text" \
	'{"$pbt$": "42", "ünï": "u", "back\\slash": "bs", "i'"'"'d\"; DROP TABLE x; --$$": "k1"}'
check "nothing was dropped by the names" \
	"SELECT count(*) FROM pg_class WHERE relname IN ('t', 'x')" "0"

# Field and enum value names from the descriptor set itself, which protoc
# would refuse: quotes, -- and */, \$\$ and \$pbt\$ (the dollar tag pbtable
# itself uses), a backslash, a line break, unicode.
ns="E'\\u00efnj2''; --'"	# the schema name as a SQL literal: ïnj2'; --
tbl="(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 WHERE n.nspname = $ns AND c.relkind = 'r')"
run "ddl --apply with field and enum names no .proto file can have" 0 \
	"$PBTABLE" ddl "$work/names.binpb" --config "$td/names.yaml" --apply
check "... the column names arrive intact" \
	"SELECT string_agg(replace(attname, E'\\n', '<NL>'), ' | ' ORDER BY attnum)
	 FROM pg_attribute WHERE attrelid = $tbl AND attnum > 0" \
	'data | id | q'"'"'"; --$$ | ünï$pbt$ | st'"'"'\ate | line<NL>break */'
check "... the table and index names too" \
	"SELECT string_agg(c.relname || ':' || c.relkind::text, ' | ' ORDER BY c.relname)
	 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $ns" \
	'ix'"'"'$$:i | t$$'"'"'"; DROP TABLE t; --:r | t$$'"'"'"; DROP TABLE t; --_pkey:i | t$$'"'"'"; DROP TABLE t; --_v:v'
check "... the column comments hold the names, escaped" \
	"SELECT col_description($tbl, 3) || ' | ' || col_description($tbl, 5)" \
	'pbtable:1 kind=column message=inj2.EvilNames field=2 path=q'"'"'";%20--$$ json=q'"'"'";%20--$$ type=string presence=implicit pgtype=text helper=pbtable.text_v2 expr_sha=7aac03f8851f3b54 | pbtable:1 kind=column message=inj2.EvilNames field=4 path=st'"'"'\ate json=st'"'"'\ate type=enum:inj2.S'"'"'tate presence=implicit pgtype=text helper=pbtable.enum_v2 expr_sha=055fab5d458ace7e'
check "... JSON with those keys and enum names reads into the columns" \
	"INSERT INTO \"ïnj2'; --\".\"t\$\$'\"\"; DROP TABLE t; --\" (data) VALUES
	 (jsonb_build_object('id', 'r1', E'q''\"; --\$\$', 'v', E'\\u00fcn\\u00ef\$pbt\$', 7,
	  E'st''\\\\ate', E'ON\$\$; DROP TABLE x; --', 'lb', true))
	 RETURNING id || ' ' || \"q'\"\"; --\$\$\" || ' ' || \"ünï\$pbt\$\" || ' ' || \"st'\\ate\"
	  || ' ' || \"line
break */\"" \
	'r1 v 7 ON$$; DROP TABLE x; -- true'
check "... and writes back through the view" \
	"UPDATE \"ïnj2'; --\".\"t\$\$'\"\"; DROP TABLE t; --_v\" SET \"st'\\ate\" = E'\\u00fc\\\\ber'
	 WHERE id = 'r1' RETURNING data ->> E'st''\\\\ate'" \
	'ü\ber'
check "... and nothing was dropped" \
	"SELECT count(*) FROM pg_class WHERE relname IN ('t', 'x')" "0"

# ---------------------------------------------------------------- keywords
# Every word this server does not let stand as a plain name everywhere
# (pg_get_keywords(), all but the unreserved) must come out of pbtable
# quoted: one index named after each, generated, then applied.
kws=$(q "SELECT word FROM pg_get_keywords() WHERE catcode <> 'U' ORDER BY 1")
n_kws=$(echo "$kws" | wc -l)
{
	printf 'tables:\n  - message: inj.Evil\n    schema: kw\n    indexes:\n'
	for w in $kws; do
		printf '      - { columns: [n], name: "%s" }\n' "$w"
	done
} > "$work/kw.yaml"
"$PBTABLE" ddl "$work/inj.binpb" --config "$work/kw.yaml" > "$work/kw.sql" 2> "$work/err"
bare=
for w in $kws; do
	grep -qx "CREATE INDEX \"$w\" ON kw.evil USING btree (n);" "$work/kw.sql" ||
		bare="$bare $w"
done
if [ "$n_kws" -gt 100 ] && [ -z "$bare" ]; then
	ok "pbtable quotes each of the $n_kws keywords this server reserves"
else
	not_ok "pbtable quotes each of the $n_kws keywords this server reserves" \
		"not quoted (add to src/sql_quote.c):$bare" "$(head -n 3 "$work/err")"
fi
run "... and the server takes them as index names" 0 \
	"$PBTABLE" ddl "$work/inj.binpb" --config "$work/kw.yaml" --apply
check "... each arriving intact" \
	"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 JOIN pg_get_keywords() k ON k.word = c.relname
	 WHERE n.nspname = 'kw' AND c.relkind = 'i' AND k.catcode <> 'U'" "$n_kws"

finish
