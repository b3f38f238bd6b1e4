// SPDX-License-Identifier: GPL-2.0
/*
 * Counts the packets that pass a tc hook, as a cls_bpf filter in
 * direct-action mode, and lets them go on.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "counter.h"

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	count();
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
