package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bpfkeeper.protocol.VarlinkService;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** {@code org.varlink.service}, which every Varlink server offers: what it is and what it speaks. */
final class ServiceInterface {

    private ServiceInterface() {
    }

    static VarlinkInterface create(ServiceInfo info, Supplier<Collection<VarlinkInterface>> served) {
        return new VarlinkInterface(VarlinkService.definition(), List.of(
                Method.onEventLoop("GetInfo", call -> {
                    ArrayNode names = JsonNodeFactory.instance.arrayNode();
                    served.get().forEach(each -> names.add(each.name()));
                    call.reply(JsonNodeFactory.instance.objectNode()
                            .put("vendor", info.vendor())
                            .put("product", info.product())
                            .put("version", info.version())
                            .put("url", info.url())
                            .set("interfaces", names));
                }),
                Method.onEventLoop("GetInterfaceDescription", call -> {
                    String name = call.parameters().get("interface").asText();
                    VarlinkInterface found = served.get().stream()
                            .filter(each -> each.name().equals(name))
                            .findFirst()
                            .orElseThrow(() -> VarlinkError.interfaceNotFound(name));
                    call.reply(JsonNodeFactory.instance.objectNode().put("description", found.definition().description()));
                })));
    }
}
