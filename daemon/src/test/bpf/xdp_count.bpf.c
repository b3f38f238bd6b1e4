// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest useful test program: it counts the packets it sees and lets
 * them pass, so a test can load it, run or attach it, and watch the counter
 * map change.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	count();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
