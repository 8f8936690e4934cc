#!/bin/bash
# Stand-in for the official mariadb image's docker-entrypoint.sh (the subset
# generated projects use). On the first start with an empty datadir:
# mariadb-install-db, root password (MARIADB_ROOT_PASSWORD, or
# MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MARIADB_RANDOM_ROOT_PASSWORD) for
# root@localhost and root@MARIADB_ROOT_HOST (default '%'), MARIADB_DATABASE,
# MARIADB_USER/MARIADB_PASSWORD with all privileges on that database, the
# healthcheck@localhost user used by healthcheck.sh, then
# /docker-entrypoint-initdb.d/*. MYSQL_* names are accepted as aliases.
set -eo pipefail
shopt -s nullglob

mysql_note()  { printf '%s [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
mysql_error() { printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; exit 1; }

# usage: file_env VAR [DEFAULT]: VAR, VAR_FILE, or the MYSQL_ alias of either
file_env() {
	local var="$1" def="${2:-}" mysqlVar="${1/MARIADB/MYSQL}"
	local fileVar="${var}_FILE" mysqlFileVar="${mysqlVar}_FILE" val="$def"
	if [ "${!var:-}" ]; then val="${!var}"
	elif [ "${!fileVar:-}" ]; then val="$(< "${!fileVar}")"
	elif [ "${!mysqlVar:-}" ]; then val="${!mysqlVar}"
	elif [ "${!mysqlFileVar:-}" ]; then val="$(< "${!mysqlFileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar" "$mysqlFileVar"
}

# SQL string literal content: escape backslashes and single quotes
sql_escape_string_literal() {
	local escaped=${1//\\/\\\\}
	escaped="${escaped//$'\n'/\\n}"
	echo "${escaped//\'/\\\'}"
}
sql_escape_identifier() { echo "${1//\`/\`\`}"; }

SOCKET=/run/mysqld/mysqld.sock
DATADIR=/var/lib/mysql

docker_process_sql() {
	mariadb --no-defaults --protocol=socket --socket="$SOCKET" --user=root \
		${MARIADB_ROOT_PASSWORD_SET:+--password="$MARIADB_ROOT_PASSWORD"} --database=mysql "$@"
}

docker_process_init_files() {
	local f
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then mysql_note "running $f"; "$f"; else mysql_note "sourcing $f"; . "$f"; fi ;;
			*.sql)     mysql_note "running $f"; docker_process_sql < "$f" ;;
			*.sql.gz)  mysql_note "running $f"; gunzip -c "$f" | docker_process_sql ;;
			*.sql.xz)  mysql_note "running $f"; xzcat "$f" | docker_process_sql ;;
			*.sql.zst) mysql_note "running $f"; zstd -dc "$f" | docker_process_sql ;;
			*)         mysql_note "ignoring $f" ;;
		esac
	done
}

if [ "${1:0:1}" = '-' ]; then
	set -- mariadbd "$@"
fi

if [ "$1" = 'mariadbd' ] || [ "$1" = 'mysqld' ]; then
	if [ "$(id -u)" = '0' ]; then
		mkdir -p "$DATADIR" /run/mysqld
		find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql: '{}' +
		exec gosu mysql "${BASH_SOURCE[0]}" "$@"
	fi

	if [ ! -d "$DATADIR/mysql" ]; then
		file_env MARIADB_ROOT_PASSWORD
		file_env MARIADB_ROOT_HOST '%'
		file_env MARIADB_DATABASE
		file_env MARIADB_USER
		file_env MARIADB_PASSWORD
		: "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:=${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
		: "${MARIADB_RANDOM_ROOT_PASSWORD:=${MYSQL_RANDOM_ROOT_PASSWORD:-}}"
		if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
			mysql_error $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
		fi
		if [ -n "$MARIADB_USER" ] && [ "$MARIADB_USER" = 'root' ]; then
			mysql_error "MARIADB_USER=root: use MARIADB_ROOT_PASSWORD for root"
		fi
		if [ -n "$MARIADB_PASSWORD" ] && [ -z "$MARIADB_USER" ]; then
			mysql_error "MARIADB_PASSWORD is set but MARIADB_USER is not"
		fi

		mysql_note "Initializing database files"
		mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
			--skip-test-db --default-time-zone=SYSTEM --enforce-storage-engine= \
			--skip-log-bin --expire-logs-days=0 \
			--loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0
		mysql_note "Database files initialized"

		mysql_note "Starting temporary server"
		"$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
			--expire-logs-days=0 --skip-slave-start \
			--loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 &
		MARIADB_PID=$!
		for i in {60..0}; do
			if docker_process_sql <<<'SELECT 1' &>/dev/null; then break; fi
			sleep 1
		done
		[ "$i" != 0 ] || mysql_error "Unable to start server."
		mysql_note "Temporary server started."

		if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
			MARIADB_ROOT_PASSWORD="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
			mysql_note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
		fi
		rootPasswordEscaped=$(sql_escape_string_literal "$MARIADB_ROOT_PASSWORD")
		rootHostEscaped=$(sql_escape_string_literal "$MARIADB_ROOT_HOST")
		healthPassword="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"

		rootCreate=
		if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != 'localhost' ]; then
			rootCreate="CREATE USER 'root'@'${rootHostEscaped}' IDENTIFIED BY '${rootPasswordEscaped}';
				GRANT ALL ON *.* TO 'root'@'${rootHostEscaped}' WITH GRANT OPTION;
				GRANT PROXY ON ''@'%' TO 'root'@'${rootHostEscaped}' WITH GRANT OPTION;"
		fi
		dbCreate= userCreate=
		if [ -n "$MARIADB_DATABASE" ]; then
			dbCreate="CREATE DATABASE IF NOT EXISTS \`$(sql_escape_identifier "$MARIADB_DATABASE")\`;"
		fi
		if [ -n "$MARIADB_USER" ]; then
			userEscaped=$(sql_escape_string_literal "$MARIADB_USER")
			userCreate="CREATE USER '${userEscaped}'@'%' IDENTIFIED BY '$(sql_escape_string_literal "$MARIADB_PASSWORD")';"
			if [ -n "$MARIADB_DATABASE" ]; then
				userCreate+=" GRANT ALL ON \`$(sql_escape_identifier "$MARIADB_DATABASE")\`.* TO '${userEscaped}'@'%';"
			fi
		fi

		docker_process_sql --binary-mode <<-EOSQL
			SET @orig_sql_log_bin= @@SESSION.SQL_LOG_BIN;
			SET @@SESSION.SQL_LOG_BIN=0;
			SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
			DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
			EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname,'\'');
			SET PASSWORD FOR 'root'@'localhost'= PASSWORD('${rootPasswordEscaped}');
			${rootCreate}
			CREATE USER healthcheck@'127.0.0.1' IDENTIFIED BY '${healthPassword}';
			CREATE USER healthcheck@'::1' IDENTIFIED BY '${healthPassword}';
			CREATE USER healthcheck@localhost IDENTIFIED BY '${healthPassword}';
			GRANT USAGE ON *.* TO healthcheck@'127.0.0.1', healthcheck@'::1', healthcheck@localhost;
			${dbCreate}
			${userCreate}
			SET @@SESSION.SQL_LOG_BIN=@orig_sql_log_bin;
		EOSQL
		MARIADB_ROOT_PASSWORD_SET=1
		export MARIADB_ROOT_PASSWORD MARIADB_ROOT_PASSWORD_SET
		printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\n' \
			"$SOCKET" "$healthPassword" > "$DATADIR/.my-healthcheck.cnf"
		chmod 0600 "$DATADIR/.my-healthcheck.cnf"

		docker_process_init_files /docker-entrypoint-initdb.d/*

		mysql_note "Stopping temporary server"
		mariadb-admin --no-defaults --socket="$SOCKET" --user=root --password="$MARIADB_ROOT_PASSWORD" shutdown
		wait "$MARIADB_PID" || true
		unset MARIADB_ROOT_PASSWORD MARIADB_ROOT_PASSWORD_SET
		mysql_note "MariaDB init process done. Ready for start up."
	fi
fi

exec "$@"
