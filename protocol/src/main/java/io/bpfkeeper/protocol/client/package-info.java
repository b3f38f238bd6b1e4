/**
 * Blocking clients: {@link io.bpfkeeper.protocol.client.VarlinkClient} speaks the
 * Varlink wire protocol to any service over AF_UNIX, and
 * {@link io.bpfkeeper.protocol.client.BpfkeeperClient} makes typed
 * {@code io.bpfkeeper} calls with it. One connection serves one thread at a time.
 */
package io.bpfkeeper.protocol.client;
