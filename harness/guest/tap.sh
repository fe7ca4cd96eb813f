# Helpers for the guest scripts that qemu.sh --script runs (busybox sh);
# initramfs.sh installs this file as /bin/tap.sh and they source it.

# tap STATUS DESCRIPTION: one TAP result, numbered in order ("ok N - ..."
# when STATUS is 0); $failed counts the others, for the exit status.
n=0
failed=0
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# vmstat NAME: the /proc/vmstat counter NAME, 0 when the kernel has none.
vmstat() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' /proc/vmstat
}
