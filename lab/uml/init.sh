#!/bin/sh
# tcpcraft lab target "linux-uml": PID 1 of a user-mode Linux 6.1 kernel (Debian user-mode-linux)
# whose root is the host's file system, read-only (hostfs). It brings up the kernel's vector
# interface (vec0, on a tap in the lab's server namespace) with the lab's server address and runs
# the lab's services on that kernel's TCP. Its settings come from the kernel command line, which
# Linux hands to init as environment variables:
#   tcpcraft_addr=ADDR/LEN  tcpcraft_state=DIR (the lab's state dir, mounted read-write for nc.out)
#   tcpcraft_lab=DIR (the lab/ directory)  tcpcraft_life=SECONDS
#   tcpcraft_puppet=FILE (build/lab-puppet, when there is one: it is run on console line 1)
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
# Nothing is mounted over /tmp: the checkout (and so lab/) may live there.
mount -t tmpfs tmpfs /run
mkdir -p /run/state
mount -t hostfs -o "$tcpcraft_state" none /run/state
ip link set lo up
# Source-routed packets are taken, and TCP Fast Open is allowed for servers, as in the linux
# target (scenarios/conformance/README.md).
sysctl -qw net.ipv4.conf.all.accept_source_route=1 net.ipv4.conf.default.accept_source_route=1 net.ipv4.tcp_fastopen=3 2>/dev/null || true
ip addr add "$tcpcraft_addr" dev vec0
ip link set vec0 up
# Checksums on the wire, not left to an offload the capture would see unfinished.
ethtool -K vec0 tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
addr=${tcpcraft_addr%/*}
nc -lk -d -n "$addr" 5000 >> /run/state/nc.out 2>/dev/null &
node "$tcpcraft_lab/daytime.mjs" "$addr" 13 "$tcpcraft_life" &
node "$tcpcraft_lab/services.mjs" "$addr" "$tcpcraft_life" &
# The puppet application (lab/puppet.c) on the second console line (a pseudo-terminal outside,
# whose other end the lab's relay holds): raw on both ends, so that no byte is echoed, translated
# or held for a line editor.
if [ -n "${tcpcraft_puppet:-}" ] && [ -x "$tcpcraft_puppet" ] && [ -c /dev/tty1 ]; then
  # One open of the line (UML gives each open a new pseudo-terminal outside): stty acts on the
  # puppet's own standard input.
  ( stty raw -echo 2>/dev/null; exec "$tcpcraft_puppet" --stack linux-uml --lifetime "$tcpcraft_life" 2>/dev/null ) </dev/tty1 >/dev/tty1 &
fi
echo "uml-lab: init done"
while :; do sleep 3600; done
