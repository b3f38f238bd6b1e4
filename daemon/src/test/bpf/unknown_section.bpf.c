// SPDX-License-Identifier: GPL-2.0
/*
 * A program in a section libbpf 1.1 cannot map to a program type. LoadObject
 * needs programs.<name>.type for it; tcx/ingress is a real-world case.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tcx/ingress")
int tcx_pass(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
