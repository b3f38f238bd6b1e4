package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.idl.Idl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** org.varlink.service: what the daemon says it is and speaks, as varlinkctl info and introspect ask. */
@KernelTest
class ServiceInterfaceTest {

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.asShipped();

    @Test
    void getInfoListsTheServedInterfaces(CheckedConnection connection) {
        JsonNode reply = connection.call(Messages.GET_INFO_CALL);

        // The version comes from the jar manifest, which a test run from classes has not.
        assertThat(reply.at("/parameters/version").asText()).isNotBlank();
        ((ObjectNode) reply.get("parameters")).remove("version");
        assertThat(reply).isEqualTo(Json.object("""
                {'parameters': {
                  'vendor': 'bpfkeeper',
                  'product': 'bpfkeeperd',
                  'url': 'https://github.com/bpfkeeper/bpfkeeper',
                  'interfaces': ['org.varlink.service', 'io.bpfkeeper']
                }}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {BpfkeeperInterface.NAME, VarlinkService.NAME})
    void interfaceDescriptionIsTheIdlFileThatParses(String interfaceName, CheckedConnection connection) {
        JsonNode reply = connection.call(
                "{'method': 'org.varlink.service.GetInterfaceDescription', 'parameters': {'interface': '"
                        + interfaceName + "'}}");

        String description = reply.at("/parameters/description").asText();
        assertThat(description).isEqualTo(IdlResources.text(BpfkeeperInterface.class, interfaceName + ".varlink"));
        assertThat(Idl.parse(description).name()).isEqualTo(interfaceName);
    }

    @Test
    void descriptionOfAnUnknownInterfaceIsInterfaceNotFound(CheckedConnection connection) {
        JsonNode reply = connection.call("""
                {'method': 'org.varlink.service.GetInterfaceDescription',
                 'parameters': {'interface': 'com.example.unknown'}}""");

        assertThat(reply).isEqualTo(Json.object("""
                {'error': 'org.varlink.service.InterfaceNotFound',
                 'parameters': {'interface': 'com.example.unknown'}}"""));
    }
}
