#!/usr/bin/env bash
# Makes sure the services the store suites need are up, starting only what is missing, and says
# what it did: Redis on 127.0.0.1:6379, PostgreSQL on 127.0.0.1:5432, Memcached on 127.0.0.1:11211
# (installed with apt-get when absent). Safe to run again: running services are left alone.
# The Redis Cluster and outage suites start their own private servers on free ports.
set -euo pipefail

say() { printf 'ci-services: %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # port, name
  for _ in $(seq 1 100); do
    if listening "$1"; then return 0; fi
    sleep 0.1
  done
  say "$2 did not come up on port $1" >&2
  exit 1
}
apt_install() { # packages...: install, running apt-get update first only when the install needs it
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq "$@" >/dev/null 2>&1; then
    say "apt-get install $* failed; running apt-get update and trying again"
    apt-get update -qq
    apt-get install -y -qq "$@" >/dev/null
  fi
}

# Redis on 6379.
if listening 6379; then
  say "redis: already listening on 6379"
else
  command -v redis-server >/dev/null || { say "redis: installing redis-server"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 6379 redis
  say "redis: started on 6379 (no persistence)"
fi

# PostgreSQL on 5432.
if listening 5432; then
  say "postgresql: already listening on 5432"
else
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_for 5432 postgresql
  say "postgresql: started cluster $(ls /etc/postgresql)/main on 5432"
fi

# Memcached on 11211.
if command -v memcached >/dev/null; then
  say "memcached: installed ($(memcached -V))"
else
  say "memcached: installing with apt-get"
  apt_install memcached
  say "memcached: installed ($(memcached -V))"
fi
if listening 11211; then
  say "memcached: already listening on 11211"
else
  user=nobody
  id memcache >/dev/null 2>&1 && user=memcache
  memcached -d -p 11211 -l 127.0.0.1 -U 0 -m 64 -u "$user"
  wait_for 11211 memcached
  say "memcached: started on 11211 (64 MB, running as $user)"
fi
