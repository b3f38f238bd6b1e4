// SPDX-License-Identifier: GPL-2.0
/*
 * Counts the getpgid(2) calls of one thread, at fentry of the syscall's
 * function: libbpf loads the program for the function named in the section.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"
#include "this_thread.h"

SEC("fentry/__x64_sys_getpgid")
int getpgid_fentry(void *ctx)
{
	count_if_target();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
