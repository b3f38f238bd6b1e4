package io.bpfkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.protocol.VarlinkService;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "info", description = "Show which daemon answers on the socket, and its interfaces.")
final class InfoCommand extends DaemonCommand {
    @Override
    protected int run(Output output) {
        JsonNode info = varlink().call(VarlinkService.GET_INFO, null);
        output.reply(info, out -> {
            Table block = new Table()
                    .row("vendor:", info.path("vendor").asText())
                    .row("product:", info.path("product").asText())
                    .row("version:", info.path("version").asText())
                    .row("url:", info.path("url").asText());
            List<String> interfaces = new ArrayList<>();
            info.path("interfaces").forEach(name -> interfaces.add(name.asText()));
            block.listRows("interfaces:", interfaces).print(out);
        });
        return ExitCodes.OK;
    }
}
