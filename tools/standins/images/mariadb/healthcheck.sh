#!/bin/bash
# Stand-in for the official mariadb image's /usr/local/bin/healthcheck.sh.
# Usage: healthcheck.sh [--su-mysql] [--no-defaults] [--defaults-file=F]
#                       [--defaults-extra-file=F] [--datadir=D] TEST...
# TESTs (all must pass; exit 0 = healthy):
#   --connect                    server accepts network connections (skip_networking=0,
#                                i.e. not the entrypoint's temporary init server)
#   --innodb_initialized         InnoDB is initialized
#   --innodb_buffer_pool_loaded  InnoDB buffer pool load completed
#   --galera_online              (not supported by the stand-in: always fails)
# By default it connects with $DATADIR/.my-healthcheck.cnf written by the entrypoint.
set -eo pipefail

datadir=/var/lib/mysql
nodefaults=
def_file=
tests=()
su_mysql=

for arg; do
	case "$arg" in
		--su-mysql|--su=mysql) su_mysql=1 ;;
		--no-defaults) nodefaults=--no-defaults ;;
		--defaults-file=*) def_file="$arg" ;;
		--defaults-extra-file=*) def_file="$arg" ;;
		--datadir=*) datadir="${arg#*=}" ;;
		--connect|--innodb_initialized|--innodb_buffer_pool_loaded|--galera_online) tests+=("${arg#--}") ;;
		--replication*|--mariadbupgrade|--innodb_*) echo "healthcheck.sh (stand-in): $arg not supported" >&2; exit 2 ;;
		*) echo "healthcheck.sh: unknown option $arg" >&2; exit 2 ;;
	esac
done

if [ -n "$su_mysql" ] && [ "$(id -u)" = 0 ]; then
	exec gosu mysql "${BASH_SOURCE[0]}" "${@/--su-mysql/}"
fi
if [ -z "$def_file" ] && [ -z "$nodefaults" ] && [ -r "$datadir/.my-healthcheck.cnf" ]; then
	def_file="--defaults-extra-file=$datadir/.my-healthcheck.cnf"
fi

_process_sql() {
	# shellcheck disable=SC2086
	mariadb $nodefaults $def_file --skip-ssl --batch --skip-column-names "$@"
}

rc=0
for t in "${tests[@]}"; do
	case "$t" in
		connect)
			s=$(_process_sql -e 'select @@skip_networking' 2>/dev/null) || s=
			if [ "$s" != 0 ]; then echo "healthcheck connect failed" >&2; rc=1; fi ;;
		innodb_initialized)
			s=$(_process_sql -e "select 1 from information_schema.ENGINES WHERE engine='innodb' AND support in ('YES', 'DEFAULT', 'ENABLED')" 2>/dev/null) || s=
			if [ "$s" != 1 ]; then echo "healthcheck innodb_initialized failed" >&2; rc=1; fi ;;
		innodb_buffer_pool_loaded)
			s=$(_process_sql -e "select VARIABLE_VALUE from information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='Innodb_buffer_pool_load_status'" 2>/dev/null) || s=
			case "$s" in *'load completed'*) ;; *) echo "healthcheck innodb_buffer_pool_loaded failed" >&2; rc=1 ;; esac ;;
		galera_online)
			echo "healthcheck galera_online: no Galera in the stand-in" >&2; rc=1 ;;
	esac
	[ "$rc" = 0 ] || break
done
exit "$rc"
