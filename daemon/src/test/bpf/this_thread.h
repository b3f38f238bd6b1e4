/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracing programs see every process on the host; these count only the calls
 * of one thread, which the test names at load time (tgid << 32 | tid, as
 * bpf_get_current_pid_tgid returns it), so that nothing else moves the
 * counter. Include it after counter.h.
 */
#ifndef THIS_THREAD_H
#define THIS_THREAD_H

const volatile __u64 target_pid_tgid = 0;

static __always_inline void count_if_target(void)
{
	if (bpf_get_current_pid_tgid() == target_pid_tgid)
		count();
}

#endif
