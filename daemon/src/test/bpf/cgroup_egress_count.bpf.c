// SPDX-License-Identifier: GPL-2.0
/* Counts the packets that processes of a cgroup send, and lets them go. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"

SEC("cgroup_skb/egress")
int cgroup_egress_count(struct __sk_buff *skb)
{
	count();
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
