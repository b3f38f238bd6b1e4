package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calls the server refuses before any method runs, with the standard org.varlink.service errors;
 * the connection stays usable after each.
 */
@KernelTest
class CallErrorsTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestDaemon daemon;
    private CheckedConnection connection;

    @BeforeEach
    void startDaemon() {
        daemon = TestDaemon.start(bpffs.path());
        connection = new CheckedConnection(daemon);
    }

    @AfterEach
    void stopDaemon() {
        connection.close();
        daemon.close();
    }

    @Test
    void unknownMethodIsMethodNotFound() {
        assertThat(connection.call("{'method': 'io.bpfkeeper.Frobnicate', 'parameters': {}}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.MethodNotFound', 'parameters': {'method': 'io.bpfkeeper.Frobnicate'}}"));
        assertConnectionStillServes();
    }

    @Test
    void unknownInterfaceIsInterfaceNotFound() {
        assertThat(connection.call("{'method': 'com.example.Frobnicate'}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.InterfaceNotFound', 'parameters': {'interface': 'com.example'}}"));
        assertConnectionStillServes();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing       | {'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8}                            | name
            wrong type    | {'name': 'm', 'type': 'hash', 'keySize': 'four', 'valueSize': 4, 'maxEntries': 8}          | keySize
            null          | {'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': null, 'maxEntries': 8}            | valueSize
            unknown       | {'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8, 'colour': 1}  | colour
            nested        | {'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8, 'labels': {'a': 1}} | labels.a
            """)
    void badParameterIsInvalidParameterNamingIt(String fault, String parameters, String named) {
        assertThat(connection.call("{'method': 'io.bpfkeeper.CreateMap', 'parameters': " + parameters + "}"))
                .isEqualTo(Json.object("{'error': 'org.varlink.service.InvalidParameter', 'parameters': {'parameter': '"
                        + named + "'}}"));
        assertConnectionStillServes();
    }

    @Test
    void streamingMethodWithoutMoreIsExpectedMore() {
        assertThat(connection.call("{'method': 'io.bpfkeeper.List', 'parameters': {}}"))
                .isEqualTo(Json.object("{'error': 'org.varlink.service.ExpectedMore', 'parameters': {}}"));
        assertConnectionStillServes();
    }

    /** The daemon speaks no other protocol, so it refuses to upgrade and goes on speaking Varlink. */
    @Test
    void upgradeIsRefusedAsAnInvalidParameter() {
        assertThat(connection.call("{'method': 'org.varlink.service.GetInfo', 'upgrade': true}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.InvalidParameter', 'parameters': {'parameter': 'upgrade'}}"));
        assertConnectionStillServes();
    }

    private void assertConnectionStillServes() {
        assertThat(connection.call("{'method': 'org.varlink.service.GetInfo'}").has("error")).isFalse();
    }
}
