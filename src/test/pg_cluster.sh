#!/bin/sh
# A throwaway PostgreSQL cluster for tests (PostgreSQL::Test::Cluster's
# idea, in sh).  Source this file, then:
#
#   pg_start            initdb in a fresh temp dir, start the server on a unix
#                       socket in that dir (no TCP: listen_addresses=''), export
#                       PGHOST, PGPORT, PGUSER, PGDATABASE for psql and libpq
#   pg_stop             stop the server (and the replica) and delete the dir
#                       (safe to call twice)
#   pg_start_replica    a streaming replica of it in $PG_DIR/replica, on port
#                       $PG_REPLICA_PORT (its socket in $PG_DIR too), waited
#                       for until it is a hot standby accepting connections.
#                       Made without pg_basebackup, which the npm server
#                       builds lack: the primary is stopped, its data
#                       directory copied, standby.signal and primary_conninfo
#                       (with a replication slot) written, both started.
#                       The primary restarts: sessions to it end.
#   pg_wait_replica     wait until the replica has replayed all the primary
#                       has written so far
#
# pg_start installs an EXIT trap that calls pg_stop, so the cluster goes away
# also when a test fails or is interrupted; a script with its own EXIT trap
# must call pg_stop from it.  As root the server runs as the `postgres` user
# (initdb and postgres refuse to run as root); the temp dir is created so
# that user can write it.  Needs the PostgreSQL server binaries: $PG_BIN, or
# the newest /usr/lib/postgresql/*/bin.

pg_bin() {
	if [ -n "$PG_BIN" ]; then
		echo "$PG_BIN"
		return
	fi
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Run a server binary as the cluster's owner.
pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		# runuser keeps the environment small and needs no password.
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	PG_BIN=$(pg_bin)
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		echo "pg_cluster: no PostgreSQL server binaries (set PG_BIN)" >&2
		return 1
	fi
	# As root, /tmp: the postgres user may not reach into root's $TMPDIR.
	if [ "$(id -u)" = 0 ]; then
		PG_DIR=$(mktemp -d /tmp/pbt-pg.XXXXXX) || return 1
	else
		PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pbt-pg.XXXXXX") || return 1
	fi
	trap pg_stop EXIT
	trap 'exit 130' INT TERM
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$PG_DIR" || return 1
	fi
	chmod 700 "$PG_DIR"
	# The socket lives in our private dir, so no other cluster can clash
	# with the port number; vary it anyway so logs tell runs apart.
	PGPORT=$((20000 + $$ % 20000))
	PGHOST=$PG_DIR
	PGUSER=pbt
	PGDATABASE=postgres
	export PGHOST PGPORT PGUSER PGDATABASE PG_DIR PG_BIN
	unset PGSERVICE PGPASSWORD PGHOSTADDR PGOPTIONS
	if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U pbt \
		--auth=trust --no-sync -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1; then
		echo "pg_cluster: initdb failed:" >&2
		tail -n 5 "$PG_DIR/initdb.log" >&2
		return 1
	fi
	cat >>"$PG_DIR/data/postgresql.conf" <<-EOF
	listen_addresses = ''
	unix_socket_directories = '$PG_DIR'
	port = $PGPORT
	fsync = off
	synchronous_commit = off
	full_page_writes = off
	shared_buffers = 16MB
	max_connections = 20
	EOF
	if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
		-w -t 60 start >/dev/null 2>&1; then
		echo "pg_cluster: server did not start:" >&2
		tail -n 5 "$PG_DIR/server.log" >&2
		return 1
	fi
}

pg_start_replica() {
	PG_REPLICA_PORT=$((PGPORT + 1))
	export PG_REPLICA_PORT
	# The slot keeps every WAL segment the standby has not received yet.
	if ! psql -X -q -A -t -v ON_ERROR_STOP=1 -c \
		"SELECT pg_create_physical_replication_slot('pbt_replica', true)" \
		>"$PG_DIR/replica-setup.log" 2>&1; then
		echo "pg_cluster: cannot create the replication slot:" >&2
		tail -n 5 "$PG_DIR/replica-setup.log" >&2
		return 1
	fi
	# A cleanly stopped primary's data directory is a consistent base
	# backup (what pg_basebackup would stream, without needing it).
	if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop \
		>>"$PG_DIR/replica-setup.log" 2>&1 ||
		! pg_as_owner cp -R -p "$PG_DIR/data" "$PG_DIR/replica" \
		>>"$PG_DIR/replica-setup.log" 2>&1; then
		echo "pg_cluster: cannot copy the primary's data directory:" >&2
		tail -n 5 "$PG_DIR/replica-setup.log" >&2
		return 1
	fi
	# The slot is the primary's; a copy on the standby would pin its WAL.
	rm -rf "$PG_DIR/replica/pg_replslot/pbt_replica" "$PG_DIR/replica/postmaster.opts"
	pg_as_owner touch "$PG_DIR/replica/standby.signal"
	# later lines win: the copied primary settings keep all but these
	cat >>"$PG_DIR/replica/postgresql.conf" <<-EOF
	port = $PG_REPLICA_PORT
	primary_conninfo = 'host=$PG_DIR port=$PGPORT user=$PGUSER application_name=pbt_replica'
	primary_slot_name = 'pbt_replica'
	hot_standby = on
	EOF
	if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
		-w -t 60 start >/dev/null 2>&1; then
		echo "pg_cluster: the primary did not start again:" >&2
		tail -n 5 "$PG_DIR/server.log" >&2
		return 1
	fi
	if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" \
		-w -t 60 start >/dev/null 2>&1; then
		echo "pg_cluster: replica did not start:" >&2
		tail -n 5 "$PG_DIR/replica.log" >&2
		return 1
	fi
	i=0
	while [ "$(psql -X -A -t -p "$PG_REPLICA_PORT" -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" != t ]; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "pg_cluster: replica is not a hot standby" >&2
			return 1
		fi
		sleep 0.1
	done
}

pg_wait_replica() {
	# The insert position, not pg_current_wal_lsn(): with
	# synchronous_commit off the last commits may not be written yet.
	lsn=$(psql -X -A -t -p "$PGPORT" -c 'SELECT pg_current_wal_insert_lsn()') || return 1
	i=0
	while [ "$(psql -X -A -t -p "$PG_REPLICA_PORT" \
		-c "SELECT pg_last_wal_replay_lsn() >= '$lsn'" 2>/dev/null)" != t ]; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "pg_cluster: replica did not catch up to $lsn" >&2
			return 1
		fi
		sleep 0.1
	done
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ -f "$PG_DIR/replica/postmaster.pid" ]; then
		pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -m immediate -w stop \
			>/dev/null 2>&1
	fi
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
			>/dev/null 2>&1
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
}
