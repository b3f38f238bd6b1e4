package io.bpfkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "idl", description = "Print the Varlink interface definition that the daemon serves.")
final class IdlCommand extends DaemonCommand {
    @Parameters(paramLabel = "INTERFACE", arity = "0..1", defaultValue = BpfkeeperInterface.NAME,
            description = "Which interface (default: ${DEFAULT-VALUE}); 'info' lists them.")
    String interfaceName;

    @Override
    protected int run(Output output) {
        JsonNode reply = varlink().call(VarlinkService.GET_INTERFACE_DESCRIPTION, Map.of("interface", interfaceName));
        String description = reply.path("description").asText();
        output.reply(reply, out -> {
            out.print(description);
            if (!description.endsWith("\n")) {
                out.println();
            }
        });
        return ExitCodes.OK;
    }
}
