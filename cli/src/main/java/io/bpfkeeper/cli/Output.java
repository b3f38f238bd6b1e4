package io.bpfkeeper.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where a command prints its result: with {@code --json}, the reply
 * parameters as compact JSON, one document a line; otherwise a human form
 * that the command draws.
 */
final class Output {
    /** Leaves absent nullable fields out, as the daemon does, so that JSON output reads like its replies. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(Include.NON_NULL, Include.NON_NULL))
            .build();

    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;

    Output(boolean json, PrintWriter out, PrintWriter err) {
        this.json = json;
        this.out = out;
        this.err = err;
    }

    /** Prints one reply, given by its parameters: a record, a map or a {@code JsonNode}. */
    void reply(Object parameters, Consumer<PrintWriter> human) {
        replies(List.of(parameters), human);
    }

    /** Prints a reply without parameters: {@code {}} with {@code --json}, and nothing for a person, as is usual. */
    void empty() {
        reply(Map.of(), out -> { });
    }

    /** Prints the replies of a streaming call, one JSON document each. */
    void replies(List<?> parameters, Consumer<PrintWriter> human) {
        if (json) {
            parameters.forEach(reply -> out.println(toJson(reply)));
        } else {
            human.accept(out);
        }
        out.flush();
    }

    /** Tells a person something beside the result, such as that it is empty; silent with {@code --json}. */
    void note(String message) {
        if (!json) {
            err.println(message);
            err.flush();
        }
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
