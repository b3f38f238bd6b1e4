package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.VarlinkService;
import org.junit.jupiter.api.Test;

/** info and idl, which ask org.varlink.service about the daemon. */
class ServiceCommandsTest extends CliTest {
    private static final String INFO = """
            {"vendor":"bpfkeeper","product":"bpfkeeperd","version":"1.2.3","url":"https://example.org",
              "interfaces":["org.varlink.service","io.bpfkeeper"]}
            """;

    @Test
    void infoPrintsWhatTheDaemonSaysOfItself() {
        daemon.answer(VarlinkService.GET_INFO, INFO);

        assertThat(bpfkeeper("info").out()).isEqualTo("""
                vendor:      bpfkeeper
                product:     bpfkeeperd
                version:     1.2.3
                url:         https://example.org
                interfaces:  org.varlink.service
                             io.bpfkeeper
                """);
    }

    @Test
    void idlPrintsTheDescriptionOfIoBpfkeeperUnlessToldAnother() throws Exception {
        daemon.answer(VarlinkService.GET_INTERFACE_DESCRIPTION, "{\"description\":\"interface io.bpfkeeper\\n\"}");

        assertThat(bpfkeeper("idl").out()).isEqualTo("interface io.bpfkeeper\n");
        assertThat(bpfkeeper("idl", "org.varlink.service").exitCode()).isZero();
        assertThat(daemon.nextCall(VarlinkService.GET_INTERFACE_DESCRIPTION).toString())
                .isEqualTo("{\"interface\":\"io.bpfkeeper\"}");
        assertThat(daemon.nextCall(VarlinkService.GET_INTERFACE_DESCRIPTION).toString())
                .isEqualTo("{\"interface\":\"org.varlink.service\"}");
    }

    @Test
    void idlNamesAnInterfaceTheDaemonLacks() {
        daemon.fail(VarlinkService.GET_INTERFACE_DESCRIPTION, VarlinkService.INTERFACE_NOT_FOUND,
                "{\"interface\":\"com.example\"}");

        Result result = bpfkeeper("idl", "com.example");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).isEqualTo("bpfkeeper: the daemon has no interface com.example\n");
    }
}
