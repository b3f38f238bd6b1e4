// SPDX-License-Identifier: GPL-2.0
/* Counts the getpid(2) calls of one thread, at the syscall's tracepoint. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"
#include "this_thread.h"

SEC("tracepoint/syscalls/sys_enter_getpid")
int getpid_tracepoint(void *ctx)
{
	count_if_target();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
