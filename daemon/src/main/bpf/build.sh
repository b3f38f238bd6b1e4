#!/usr/bin/env bash
# Compiles BPF programs: every SOURCE_DIR/NAME.bpf.c becomes
# OUTPUT_DIR/NAME.bpf.o. Maven runs it twice: in generate-resources for the
# daemon's own program (src/main/bpf, into the daemon's classes), and in
# process-test-resources for the test programs (src/test/bpf). It can be run by
# hand with the same arguments:
#
#   daemon/src/main/bpf/build.sh SOURCE_DIR GENERATED_DIR OUTPUT_DIR
#
# GENERATED_DIR receives vmlinux.h, the running kernel's types for CO-RE
# programs (#include "vmlinux.h"). It is generated once and kept until
# `mvn clean`, since dumping the kernel's BTF is the slow part of this step.
set -euo pipefail

if (( $# != 3 )); then
	echo "usage: $0 SOURCE_DIR GENERATED_DIR OUTPUT_DIR" >&2
	exit 2
fi
source_dir=$1 generated_dir=$2 output_dir=$3

fail() {
	echo "build.sh: $*" >&2
	exit 1
}

command -v clang >/dev/null ||
	fail "clang is not installed, and the BPF programs need it (run scripts/host-setup, or apt-get install clang llvm libbpf-dev)"

kernel_btf=/sys/kernel/btf/vmlinux
vmlinux_h=$generated_dir/vmlinux.h
mkdir -p "$generated_dir" "$output_dir"
if [[ ! -s $vmlinux_h ]]; then
	if [[ -r $kernel_btf ]]; then
		command -v bpftool >/dev/null ||
			fail "bpftool is not installed, and generating vmlinux.h needs it (run scripts/host-setup, or apt-get install bpftool)"
		# Written aside and renamed, so that an interrupted dump is never
		# mistaken for a finished one by the next build.
		bpftool btf dump file "$kernel_btf" format c >"$vmlinux_h.partial"
		mv "$vmlinux_h.partial" "$vmlinux_h"
	else
		# Plain programs still build; one that includes vmlinux.h will fail
		# below with clang's "file not found", after this line.
		echo "build.sh: warning: $kernel_btf is missing (kernel without BTF), so there is no vmlinux.h for CO-RE programs" >&2
	fi
fi

shopt -s nullglob
for source in "$source_dir"/*.bpf.c; do
	name=$(basename "$source" .bpf.c)
	# The project targets x86-64 only (the daemon's struct offsets are
	# x86-64's); /usr/include/x86_64-linux-gnu holds <asm/types.h>, which
	# <linux/bpf.h> needs and which clang does not look for with -target bpf.
	clang -target bpf -g -O2 -Wall -D__TARGET_ARCH_x86 \
		-I"$generated_dir" -I/usr/include/x86_64-linux-gnu \
		-c "$source" -o "$output_dir/$name.bpf.o"
done
