// SPDX-License-Identifier: GPL-2.0
/*
 * Counts the packets that pass a tcx hook. libbpf 1.1 does not know tcx
 * sections, so the test gives the program type (sched_cls) and expected
 * attach type (tcx_egress) in LoadObject's programs option.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"

SEC("tcx/egress")
int tcx_count(struct __sk_buff *skb)
{
	count();
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
