// SPDX-License-Identifier: GPL-2.0
/*
 * A program the verifier must reject: it dereferences a map value without
 * checking the lookup for NULL. The log names the instruction.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("xdp")
int unchecked_lookup(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&values, &key);

	return *value ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
