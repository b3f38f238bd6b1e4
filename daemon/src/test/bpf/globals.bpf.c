// SPDX-License-Identifier: GPL-2.0
/*
 * Behaviour set by global variables at load time: the verdict comes from a
 * const volatile in .rodata, and every run adds `step` (in .data) to a
 * counter in .bss, so a test sees both through TestRun and the maps.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 verdict = XDP_PASS;
__u64 step = 1;
__u64 total;

SEC("xdp")
int xdp_verdict(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&total, step);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
