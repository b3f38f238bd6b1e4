package io.bpfkeeper.daemon.varlink.certification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.varlink.CallContext;
import io.bpfkeeper.daemon.varlink.IdlResources;
import io.bpfkeeper.daemon.varlink.Json;
import io.bpfkeeper.daemon.varlink.Method;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.daemon.varlink.VarlinkInterface;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * {@code org.varlink.certification}, the interface that {@code varlink-go-certification --client}
 * calls: Start, then Test01 to Test11, then End. Each test's reply is the next test's argument, so
 * every JSON type the IDL knows makes a round trip through the server; Test10 streams with "more"
 * and Test11 is oneway. For tests only: it must never be served in production.
 *
 * <p>It answers as the Go reference server (main.go of varlink-go-certification) does, with four
 * differences, each because the reference is loose or broken there:
 * <ul>
 *   <li>CertificationError carries what was wanted and what came, where the reference sends nulls
 *       that its own IDL forbids;</li>
 *   <li>arguments must equal the expected ones exactly (numbers by value, an absent field as null),
 *       where the reference skips some checks;</li>
 *   <li>Test11 compares reply n with element n-1, where the reference reads one past the end;</li>
 *   <li>End's all_ok says whether Test01 to Test11 all passed, where the reference always says
 *       true: Test11 is oneway, so End is the only place its verdict can show.</li>
 * </ul>
 */
public final class Certification {

    public static final String NAME = "org.varlink.certification";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final InterfaceDefinition DEFINITION =
            IdlResources.definition(Certification.class, NAME + ".varlink");
    private static final int STREAMED_REPLIES = 10;

    /**
     * The replies of Test01 to Test09, as the reference sends them. Reply n is also Test(n+1)'s
     * expected argument besides client_id; Test01 expects none.
     */
    private static final List<JsonNode> CHAIN = List.of(
            Json.object("{'bool': true}"),
            Json.object("{'int': 1}"),
            Json.object("{'float': 1.0}"),
            Json.object("{'string': 'ping'}"),
            Json.object("{'bool': false, 'int': 2, 'float': 3.141592653589793, 'string': 'a lot of string'}"),
            Json.object("{'struct': {'bool': false, 'int': 2, 'float': 3.141592653589793,"
                    + " 'string': 'a lot of string'}}"),
            Json.object("{'map': {'foo': 'Foo', 'bar': 'Bar'}}"),
            Json.object("{'set': {'one': {}, 'two': {}, 'three': {}}}"),
            Json.object("""
                    {'mytype': {
                      'object': {'method': 'org.varlink.certification.Test09',
                                 'parameters': {'map': {'foo': 'Foo', 'bar': 'Bar'}}},
                      'enum': 'two',
                      'struct': {'first': 1, 'second': '2'},
                      'array': ['one', 'two', 'three'],
                      'dictionary': {'foo': 'Foo', 'bar': 'Bar'},
                      'stringset': {'one': {}, 'two': {}, 'three': {}},
                      'interface': {
                        'foo': [null, {'Foo': 'foo', 'Bar': 'bar'}, null, {'one': 'foo', 'two': 'bar'}],
                        'anon': {'foo': true, 'bar': false}
                      }
                    }}"""));

    /** The tests each client has passed, by client id. */
    private final Map<String, Set<String>> passedTests = new ConcurrentHashMap<>();

    public static InterfaceDefinition definition() {
        return DEFINITION;
    }

    /** The interface as the reference serves it. */
    public VarlinkInterface varlinkInterface() {
        return new VarlinkInterface(DEFINITION, methods());
    }

    /** Start, Test01 to Test11 and End; a test may swap one to make the client fail. */
    public List<Method> methods() {
        List<Method> methods = new ArrayList<>();
        methods.add(Method.onEventLoop("Start", this::start));
        for (int test = 1; test <= CHAIN.size(); test++) {
            int number = test;
            methods.add(Method.onEventLoop(testName(number), call -> chainTest(call, number)));
        }
        // On a worker, so that the certification covers replies written from a worker thread too.
        methods.add(Method.onWorker(testName(10), this::streamingTest));
        methods.add(Method.onWorker(testName(11), this::onewayTest));
        methods.add(Method.onEventLoop("End", this::end));
        return methods;
    }

    private void start(CallContext call) {
        String clientId = UUID.randomUUID().toString();
        passedTests.put(clientId, ConcurrentHashMap.newKeySet());
        call.reply(Map.of("client_id", clientId));
    }

    private void chainTest(CallContext call, int number) throws VarlinkError {
        Set<String> passed = client(call);
        expectArguments(call, number == 1 ? NODES.objectNode() : CHAIN.get(number - 2));
        passed.add(testName(number));
        call.reply(CHAIN.get(number - 1));
    }

    private void streamingTest(CallContext call) throws VarlinkError {
        Set<String> passed = client(call);
        expectArguments(call, CHAIN.get(CHAIN.size() - 1));
        if (!call.wantsMore()) {
            throw certificationError(NODES.objectNode().put("more", true), NODES.objectNode());
        }
        passed.add(testName(10));
        for (int reply = 1; reply < STREAMED_REPLIES; reply++) {
            call.replyContinues(Map.of("string", streamedReply(reply)));
        }
        call.reply(Map.of("string", streamedReply(STREAMED_REPLIES)));
    }

    private void onewayTest(CallContext call) throws VarlinkError {
        Set<String> passed = client(call);
        if (!call.call().oneway()) {
            throw certificationError(NODES.objectNode().put("oneway", true), NODES.objectNode());
        }
        ObjectNode expected = NODES.objectNode();
        ArrayNode replies = expected.putArray("last_more_replies");
        IntStream.rangeClosed(1, STREAMED_REPLIES).forEach(reply -> replies.add(streamedReply(reply)));
        expectArguments(call, expected);
        passed.add(testName(11));
        call.reply(Map.of());
    }

    private void end(CallContext call) throws VarlinkError {
        Set<String> passed = client(call);
        passedTests.remove(call.parameters().get("client_id").asText());
        boolean allPassed = IntStream.rangeClosed(1, 11).allMatch(test -> passed.contains(testName(test)));
        call.reply(Map.of("all_ok", allPassed));
    }

    private Set<String> client(CallContext call) throws VarlinkError {
        Set<String> passed = passedTests.get(call.parameters().get("client_id").asText());
        if (passed == null) {
            throw new VarlinkError(NAME + ".ClientIdError", NODES.objectNode());
        }
        return passed;
    }

    private static void expectArguments(CallContext call, JsonNode expected) throws VarlinkError {
        ObjectNode arguments = call.parameters().deepCopy();
        arguments.remove("client_id");
        if (!sameValue(expected, arguments)) {
            throw certificationError(expected, arguments);
        }
    }

    private static VarlinkError certificationError(JsonNode wants, JsonNode got) {
        ObjectNode parameters = NODES.objectNode();
        parameters.set("wants", wants);
        parameters.set("got", got);
        return new VarlinkError(NAME + ".CertificationError", parameters);
    }

    /**
     * JSON equality as a Varlink peer sees it: 1 and 1.0 are one number, and a field that is absent
     * is the same as one that is null.
     */
    private static boolean sameValue(JsonNode wanted, JsonNode got) {
        if (wanted.isMissingNode() || got.isMissingNode()) {
            return (wanted.isMissingNode() || wanted.isNull()) && (got.isMissingNode() || got.isNull());
        }
        if (wanted.isNumber() && got.isNumber()) {
            return wanted.decimalValue().compareTo(got.decimalValue()) == 0;
        }
        if (wanted.isObject() && got.isObject()) {
            Set<String> fields = new HashSet<>();
            wanted.fieldNames().forEachRemaining(fields::add);
            got.fieldNames().forEachRemaining(fields::add);
            return fields.stream().allMatch(field -> sameValue(wanted.path(field), got.path(field)));
        }
        if (wanted.isArray() && got.isArray()) {
            if (wanted.size() != got.size()) {
                return false;
            }
            Iterator<JsonNode> gotElements = got.elements();
            for (JsonNode element : wanted) {
                if (!sameValue(element, gotElements.next())) {
                    return false;
                }
            }
            return true;
        }
        return wanted.equals(got);
    }

    private static String testName(int number) {
        return String.format("Test%02d", number);
    }

    private static String streamedReply(int number) {
        return "Reply number " + number;
    }
}
