package io.bpfkeeper.daemon.varlink;

/** What {@code org.varlink.service.GetInfo} reports about the service. */
public record ServiceInfo(String vendor, String product, String version, String url) {
}
