// SPDX-License-Identifier: GPL-2.0
/* Counts the getpgid(2) calls of one thread, at a kprobe on its entry. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"
#include "this_thread.h"

SEC("kprobe/__x64_sys_getpgid")
int getpgid_kprobe(void *ctx)
{
	count_if_target();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
