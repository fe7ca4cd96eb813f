# AutoNUMA: the host-side entry points.  Every step is a script in
# harness/; this file only names them.  All output goes to build/.
#
#   make run      build the autonuma kernel, boot a 2-node guest, show
#                 AutoNUMA at work
#   make check    the test suite (ends with "N passed, N failed")
#   make shell    an interactive shell in a 2-node guest
#   make patches  export the series as git format-patch mails, proven by git am
#   make edit     make build/linux a git branch of the series, to edit in place
#                 (FORCE=1 drops edits that were not exported)
#   make export   write that branch back into patches/, series and the new files
#   make kernel FLAVOUR=f   build one flavour (autonuma debug kasan lockstat none numa_balancing nothp)
#   make vmtests  upstream's vm selftests with AutoNUMA off and on, all of
#                 them (make check runs a subset)
#   make bench    the benchmark matrix: bench/RESULTS.md (about 6 hours, bench/README.md "Time")
#   make bench-short  its smoke test, traffic plugin and model included (about 7 minutes)
#   make deb      Debian packages of the series on Debian's own configuration,
#                 into build/deb/ (hours on two cores: README.md, "On a real
#                 machine"); CONFIG_ONLY=1 only writes and checks the
#                 configuration, NO_DEBUG_INFO=1 builds without DWARF and BTF
#   make tools    a 2-node guest where numastat -p, numa_maps and the autonuma
#                 trace events (tracefs, trace-cmd, perf) are checked while
#                 AutoNUMA runs
#   make clean    remove build/ (the ccache in /var/cache/autonuma-ccache stays)

FLAVOUR ?= autonuma
H := harness

.PHONY: run check shell patches edit export kernel vmtests bench bench-short deb tools clean

run:
	@$(H)/run.sh

check:
	@$(H)/check.sh

shell:
	@$(H)/prepare.sh $(FLAVOUR)
	@$(H)/qemu.sh --flavour $(FLAVOUR) --run shell

patches:
	@$(H)/patches.sh

edit:
	@$(H)/edit.sh $(if $(FORCE),--force)

export:
	@$(H)/export.sh

kernel:
	@$(H)/prepare.sh $(FLAVOUR)

vmtests:
	@$(H)/prepare.sh autonuma
	@$(H)/vmtests.sh

deb:
	@$(H)/deb.sh $(if $(CONFIG_ONLY),--config-only) $(if $(NO_DEBUG_INFO),--no-debug-info)

tools:
	@$(H)/deps.sh linux-perf
	@$(H)/prepare.sh autonuma
	@$(H)/qemu.sh --flavour autonuma --nodes 2 --extra-bin /usr/bin/perf \
		--script $(H)/guest/tools.sh --timeout 300 --append kunit.enable=0

clean:
	rm -rf build

bench:
	@bench/run.sh --build

bench-short:
	@bench/run.sh --build --short
