#!/bin/bash
# pid 1 of a Ferry live lab host (test/lab/live.ts): assembles the new root in a tmpfs inside a private
# mount namespace, starts sshd chrooted into it, then waits on stdin; its exit ends the pid namespace.
# $1 = stage dir written by live.ts (machine path), $2 = the lab root. Spec data is only read from files.
set -eu
S=$1; LR=$2; NR=$S/root
read -r hp _ < /proc/self/stat
echo "init-pid=$hp" >&2
mount -t tmpfs -o mode=0755 ferry-live "$NR"
mkdir -p "$NR/usr" "$NR/dev" "$NR/sys" "$NR/proc" "$NR/run/sshd" "$NR/var/lib/rpm" "$NR/etc" "$NR/root" \
  "$NR/.lab/etc" "$NR/.lab/proc" "$NR/.lab/root" "$NR/.lab/stage"
chmod 0700 "$NR/root"
mkdir -m 1777 "$NR/tmp" "$NR/var/tmp"
W=; [ -f "$S/writable" ] && W=1
if [ -n "$W" ]; then
  # writable host (see test/lab/live.ts): the overlay's upper dir on a tmpfs of this namespace
  mkdir -p "$S/ovl"; mount -t tmpfs -o mode=0755 ferry-live-ovl "$S/ovl"; mkdir "$S/ovl/usr" "$S/ovl/work"
  mount -t overlay ferry-live-usr -o "lowerdir=/usr,upperdir=$S/ovl/usr,workdir=$S/ovl/work" "$NR/usr"
else
  mount --rbind -o ro /usr "$NR/usr"
fi
for l in bin sbin lib lib64; do ln -s "usr/$l" "$NR/$l"; done
mount --rbind /dev "$NR/dev"
mount --rbind /sys "$NR/sys"
mount --bind -o ro "$S/firmware" "$NR/sys/firmware"
mount --bind -o ro /etc "$NR/.lab/etc"
mount --bind "$LR" "$NR/.lab/root"
mount --bind -o ro "$S/stage" "$NR/.lab/stage"
mount --bind "$LR/var/lib/rpm" "$NR/var/lib/rpm"
if [ -n "$W" ]; then [ -d "$LR/boot" ] && cp -a "$LR/boot" "$NR/boot"
elif [ -d "$LR/boot" ]; then mkdir "$NR/boot"; mount --bind -o ro "$LR/boot" "$NR/boot"; fi
while IFS= read -r b; do
  [ -n "$b" ] || continue
  mkdir -p "$NR$b"; mount --rbind -o ro "$b" "$NR$b"
done < "$S/binds"
# /etc: the machine's entries, then the lab root's on top (except those listed in keep-etc)
for e in /etc/* /etc/.[!.]*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  n=${e##*/}
  if [ -L "$e" ]; then cp -P "$e" "$NR/etc/$n"
  # a writable host owns the few machine entries it keeps (keep-etc), as real files rpm and Ferry's backup can replace
  elif [ -n "$W" ] && grep -qxF "$n" "$S/keep-etc"; then cp -a "$e" "$NR/etc/$n"
  else ln -s "/.lab/etc/$n" "$NR/etc/$n"; fi
done
for e in "$LR"/etc/*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  n=${e##*/}
  grep -qxF "$n" "$S/keep-etc" && continue
  rm -f "$NR/etc/$n"
  if [ -n "$W" ]; then cp -a "$e" "$NR/etc/$n"; else ln -s "/.lab/root/etc/$n" "$NR/etc/$n"; fi
done
if [ -n "$W" ]; then
  rm -f "$NR/etc/rpm"; mkdir "$NR/etc/rpm"
  for e in /etc/rpm/*; do [ -e "$e" ] && ln -s "/.lab/etc/rpm/${e##*/}" "$NR/etc/rpm/${e##*/}"; done
  cp "$S/writable" "$NR/etc/rpm/macros.ferry-lab"
  # owned by EL8's dnf-data on a real host; without it concurrent dnf starts race to create it (ENOENT on metadata_lock.pid)
  mkdir -p "$NR/var/cache/dnf"
fi
# the host's own /etc/ssh (see test/lab/live.ts), writable
rm -rf "$NR/etc/ssh"; cp -a "$S/etc-ssh" "$NR/etc/ssh"
mkdir -p "$NR/run/ferry-lab"
if [ -f "$LR/usr/lib/os-release" ]; then
  if [ -n "$W" ]; then rm -f "$NR/usr/lib/os-release"; cp -a "$LR/usr/lib/os-release" "$NR/usr/lib/os-release"
  else mount --bind -o ro "$LR/usr/lib/os-release" "$NR/usr/lib/os-release"; fi
fi
# /proc: symlinks into the fresh procfs, crafted files where the stage has them
mount -t proc proc "$NR/.lab/proc"
farm() {
  local real=$1 new=$2 ov=$3 e n
  mkdir -p "$NR$new"
  for e in "$NR$real"/*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    n=${e##*/}
    case $n in *[!0-9]*) ;; *) [ "$n" = 1 ] || continue ;; esac
    [ -e "$ov/$n" ] || ln -s "$real/$n" "$NR$new/$n"
  done
  for e in "$ov"/*; do
    [ -e "$e" ] || continue
    n=${e##*/}
    if [ -d "$e" ]; then farm "$real/$n" "$new/$n" "$e"; else cp "$e" "$NR$new/$n"; fi
  done
}
mount -t tmpfs -o mode=0555 ferry-live-proc "$NR/proc"
farm /.lab/proc /proc "$S/proc"
mount -o remount,ro "$NR/proc"
# LAB SIMULATION of the running kernel release: see test/lab/live.ts
mount --bind -o ro "$S/stage/uname" "$NR/usr/bin/uname"
# LAB SIMULATION of systemd's list-units: see test/lab/live.ts
if [ -f "$S/stage/systemctl" ]; then mount --bind -o ro "$S/stage/systemctl" "$NR/usr/bin/systemctl"; fi
if [ -f "$S/dockerenv" ]; then : > "$NR/.dockerenv"; fi
chroot "$NR" /usr/sbin/sshd -D -e -f /.lab/stage/sshd/sshd_config &
echo ready >&2
read -r _ || true
exit 0
