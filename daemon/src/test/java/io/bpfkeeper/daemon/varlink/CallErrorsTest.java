package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** The parameters of a valid CreateMap, of which each bad-parameter case breaks one. */
    private static final String VALID_MAP =
            "{'name': 'm', 'type': 'hash', 'keySize': 4, 'valueSize': 4, 'maxEntries': 8}";

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

    @Test
    void unknownMethodIsMethodNotFound(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'io.bpfkeeper.Frobnicate', 'parameters': {}}")).isEqualTo(Json.object("""
                {'error': 'org.varlink.service.MethodNotFound',
                 'parameters': {'method': 'io.bpfkeeper.Frobnicate'}}"""));
        connection.assertServes();
    }

    @Test
    void unknownInterfaceIsInterfaceNotFound(CheckedConnection connection) {
        assertThat(connection.call("{'method': 'com.example.Frobnicate'}")).isEqualTo(Json.object(
                "{'error': 'org.varlink.service.InterfaceNotFound', 'parameters': {'interface': 'com.example'}}"));
        connection.assertServes();
    }

    /** @param value the JSON that replaces the parameter's; none to leave it out */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            missing    | name      |          | name
            wrong type | keySize   | 'four'   | keySize
            null       | valueSize | null     | valueSize
            unknown    | colour    | 1        | colour
            nested     | labels    | {'a': 1} | labels.a
            """)
    void badParameterIsInvalidParameterNamingIt(String fault, String parameter, String value, String named,
            CheckedConnection connection) {
        ObjectNode parameters = Json.object(VALID_MAP);
        if (value == null) {
            parameters.remove(parameter);
        } else {
            parameters.set(parameter, Json.parse(Json.text(value)));
        }

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
