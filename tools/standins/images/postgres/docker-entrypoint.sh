#!/usr/bin/env bash
# Stand-in for the official postgres image's docker-entrypoint.sh (the subset
# generated projects use): on the first start with an empty PGDATA it runs
# initdb, sets the superuser POSTGRES_USER's password POSTGRES_PASSWORD,
# creates POSTGRES_DB, runs /docker-entrypoint-initdb.d/*, and allows password
# auth (POSTGRES_HOST_AUTH_METHOD, default scram-sha-256) from any host.
set -Eeo pipefail

# usage: file_env VAR [DEFAULT] -- VAR or VAR_FILE (docker secrets)
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		echo >&2 "error: both $var and $fileVar are set (but are exclusive)"; exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then val="${!var}"; elif [ "${!fileVar:-}" ]; then val="$(< "${!fileVar}")"; fi
	export "$var"="$val"
	unset "$fileVar"
}

docker_process_sql() {
	local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ -n "$POSTGRES_DB" ]; then query_runner+=(--dbname "$POSTGRES_DB"); fi
	PGHOST= PGHOSTADDR= "${query_runner[@]}" "$@"
}

docker_process_init_files() {
	local f
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
			*.sql)    echo "$0: running $f"; docker_process_sql -f "$f"; echo ;;
			*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | docker_process_sql; echo ;;
			*.sql.xz) echo "$0: running $f"; xzcat "$f" | docker_process_sql; echo ;;
			*.sql.zst) echo "$0: running $f"; zstd -dc "$f" | docker_process_sql; echo ;;
			*)        echo "$0: ignoring $f" ;;
		esac
	done
}

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
	mkdir -p "$PGDATA"
	find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql
	find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	chmod 03775 /var/run/postgresql
	exec gosu postgres "$BASH_SOURCE" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
	file_env 'POSTGRES_PASSWORD'
	file_env 'POSTGRES_USER' 'postgres'
	file_env 'POSTGRES_DB' "$POSTGRES_USER"
	file_env 'POSTGRES_INITDB_ARGS'
	: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
		cat >&2 <<-'EOE'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
			       (or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password)
		EOE
		exit 1
	fi
	mkdir -p "$PGDATA"; chmod 00700 "$PGDATA"
	if [ -n "$POSTGRES_PASSWORD" ]; then
		# shellcheck disable=SC2086
		initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
	else
		# shellcheck disable=SC2086
		initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS
	fi
	printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

	# temporary server on the unix socket only
	PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" \
		-o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
	if [ "$POSTGRES_DB" != 'postgres' ]; then
		POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		echo
	fi
	docker_process_init_files /docker-entrypoint-initdb.d/*
	PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop
	unset PGPASSWORD
	echo
	echo 'PostgreSQL init process complete; ready for start up.'
	echo
fi

exec "$@"
