#!/bin/sh
# Stand-in for the official redis image's docker-entrypoint.sh.
set -e

# first arg is `-f` or `--some-option`, or a .conf file
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

# allow the container to be started with `--user`
if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec gosu redis "$0" "$@"
fi

if [ "$1" = 'redis-server' ]; then
	# The official image compiles redis with protected mode off by default.
	# Debian's binary has it on, so pass it unless the command line sets it.
	case " $* " in
		*" --protected-mode "*) ;;
		*) set -- "$@" --protected-mode no ;;
	esac
	# same umask as the official image
	um="$(umask)"
	if [ "$um" = '0022' ]; then
		umask 0077
	fi
fi

exec "$@"
