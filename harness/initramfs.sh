#!/bin/sh
# initramfs.sh FLAVOUR: pack busybox, /init, the installed kselftests of the
# FLAVOUR build and our guest programs into $BUILD/obj-FLAVOUR/initramfs.cpio.gz.
. "$(dirname -- "$0")/lib.sh"

flavour=${1:-}
[ -n "$flavour" ] || die "usage: initramfs.sh FLAVOUR"
check_flavour "$flavour"
O=$(objdir "$flavour")
R=$O/initramfs
[ -d "$O/kselftest/install" ] || die "no kselftests installed for $flavour: run build.sh $flavour"

rm -rf "$R"
mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/usr/sbin" "$R/proc" "$R/sys" \
	"$R/dev" "$R/tmp" "$R/etc" "$R/root" "$R/lib64" "$R/lib/x86_64-linux-gnu"
cp /bin/busybox "$R/bin/busybox"
for app in $("$R/bin/busybox" --list-full); do
	[ -e "$R/$app" ] || ln -s /bin/busybox "$R/$app"
done
# run_kselftest.sh calls "timeout --foreground", which busybox lacks.
rm -f "$R/usr/bin/timeout"
cat >"$R/usr/bin/timeout" <<'SH'
#!/bin/sh
[ "$1" = --foreground ] && shift
exec /bin/busybox timeout "$@"
SH
chmod +x "$R/usr/bin/timeout"
cp "$HARNESS/guest/init" "$R/init"
cp "$HARNESS/guest/demo.sh" "$R/bin/demo.sh"
chmod +x "$R/init"
echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"

cp -a "$O/kselftest/install" "$R/kselftest"

# numactl and its tools are only packaged dynamically linked: pack_bin
# brings their libraries along.  memhog is the overhead benchmark's
# toucher, migratepages moves a running task's memory (guest/hotplug.sh),
# numastat -p shows a process's memory per node and trace-cmd records
# AutoNUMA's trace events (guest/tools.sh; about 3 MiB with its
# libraries).  perf, with 33 MiB of libraries, is not put in every guest's
# memory: qemu.sh --extra-bin /usr/bin/perf packs it for one guest.
for p in /usr/bin/numactl /usr/bin/memhog /usr/bin/migratepages /usr/bin/numastat \
	/usr/bin/trace-cmd; do
	[ ! -x "$p" ] || pack_bin "$R" "$p"
done

# Guest programs (benchmarks), if built: statically linked, flavour-independent.
if [ -d "$BUILD/guest-bin" ]; then
	cp -a "$BUILD/guest-bin/." "$R/bin/"
fi

(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/initramfs.cpio.gz"
echo "$O/initramfs.cpio.gz"
