package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.testing.KernelTest;
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
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

    @Test
    void unknownMethodIsMethodNotFound(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'io.bpfkeeper.Frobnicate', 'parameters': {}}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.MethodNotFound', 'parameters': {'method': 'io.bpfkeeper.Frobnicate'}}"));
        connection.assertServes();
    }

    @Test
    void unknownInterfaceIsInterfaceNotFound(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'com.example.Frobnicate'}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.InterfaceNotFound', 'parameters': {'interface': 'com.example'}}"));
        connection.assertServes();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing    | {'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8}                                   | name
            wrong type | {'name': 'm', 'type': 'hash', 'keySize': 'four', 'valueSize': 4, 'maxEntries': 8}                 | keySize
            null       | {'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': null, 'maxEntries': 8}                   | valueSize
            unknown    | {'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8, 'colour': 1}         | colour
            nested     | {'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8, 'labels': {'a': 1}}  | labels.a
            """)
    void badParameterIsInvalidParameterNamingIt(String fault, String parameters, String named,
            CheckedConnection connection) {
        assertThat(connection.call("{'method': 'io.bpfkeeper.CreateMap', 'parameters': " + parameters + "}"))
                .isEqualTo(Json.object("{'error': 'org.varlink.service.InvalidParameter', 'parameters': {'parameter': '"
                        + named + "'}}"));
        connection.assertServes();
    }

    @Test
    void streamingMethodWithoutMoreIsExpectedMore(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'io.bpfkeeper.List', 'parameters': {}}"))
                .isEqualTo(Json.object("{'error': 'org.varlink.service.ExpectedMore', 'parameters': {}}"));
        connection.assertServes();
    }

    /** The daemon speaks no other protocol, so it refuses to upgrade and goes on speaking Varlink. */
    @Test
    void upgradeIsRefusedAsAnInvalidParameter(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'org.varlink.service.GetInfo', 'upgrade': true}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.InvalidParameter', 'parameters': {'parameter': 'upgrade'}}"));
        connection.assertServes();
    }
}
