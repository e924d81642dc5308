#!/bin/sh
# tcpcraft lab target "gvisor": runs the lab's services inside a gVisor sandbox whose network stack
# (netstack) takes over the server namespace's veth and address.
# Usage (in the lab's server namespace, in a private mount namespace of its own):
#   unshare -m --propagation private sh runsc.sh DIR ID LIFETIME_SECONDS
# DIR holds the OCI bundle (DIR/bundle/config.json, written by src/io/targets.ts) and runsc's state.
#
# runsc (Debian's 20221219 build) refuses to configure its sandbox network when it believes it is
# in the root network namespace, which it decides from /proc/sys/net/core/rmem_default existing; on
# current kernels that file exists in every namespace. So this mount namespace gets a /proc/sys
# without the net subtree: a small tmpfs, with kernel, vm and fs bound back from the real one.
#
# --rx-checksum-offload=false: by default netstack trusts the link to have checked TCP checksums
# (as a NIC with RX offload does) and checks none itself; the lab's veth checks nothing, so
# netstack is told to, as a stack on a real link would have them checked.
set -eu
dir=$1; id=$2; life=$3
keep="$dir/procsys"
mkdir -p "$keep"
mount --bind /proc/sys "$keep"
mount -t tmpfs -o size=64k,mode=0555 tcpcraft-procsys /proc/sys
for d in kernel vm fs; do
  mkdir -p "/proc/sys/$d"
  mount --bind "$keep/$d" "/proc/sys/$d"
done
umount -l "$keep"
exec timeout -k 5 "$life" runsc --root "$dir/runsc" --platform=ptrace --ignore-cgroups --network=sandbox --rx-checksum-offload=false run --bundle "$dir/bundle" "$id"
