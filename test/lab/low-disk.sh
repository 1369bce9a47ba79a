#!/bin/sh
# The sshd of a Ferry lab fleet host with little free disk (test/lab/fleet.ts). It runs in its own mount
# namespace (started by `unshare --mount --propagation private`), where a small tmpfs holding a copy of
# DIR's files is mounted over DIR: `df` below the lab root (the facts script's mounts section, the
# migration's preflight) then reports that tmpfs's free space, in every session of this sshd and nowhere
# else. Nothing is mounted in the machine's namespace; the namespace ends with sshd.
# $1 = DIR (a machine path), $2 = the tmpfs size (mount's size=, e.g. 16m); the rest is sshd's argv.
set -eu
D=$1; S=$2; shift 2
T=$(mktemp -d)
cp -a "$D/." "$T/"
mount -t tmpfs -o "size=$S,mode=0755" ferry-low-disk "$D"
cp -a "$T/." "$D/"
rm -rf "$T"
exec "$@"
