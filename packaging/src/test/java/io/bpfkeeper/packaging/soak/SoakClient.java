package io.bpfkeeper.packaging.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.idl.MethodDefinition;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One client of the soak, on a thread of its own: it connects as its user (or as root), and until
 * stopped sends one generated step after another, valid or hostile, reconnecting whenever the
 * daemon closed the connection or died. What it was told goes to the {@link Ledger}.
 *
 * <p>Root may do everything to every object, so root's client aims only at its own objects and at
 * ids of nothing; the attackers aim at their own, each other's and the victims'.
 */
final class SoakClient implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration REPLY_DEADLINE = Duration.ofSeconds(60);
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    /** Methods whose reply holds new objects of the caller. */
    private static final Set<String> CREATING = Set.of("CreateMap", "LoadProgram", "LoadObject", "Attach", "Adopt");
    /** Methods that may end the object their {@code id} names. */
    private static final Set<String> ENDING = Set.of("Release", "Adopt", "Detach");
    /** What root would do to anyone's object: attach on the host, adopt another's pin. */
    private static final Set<String> NOT_FOR_ROOT = Set.of("Attach", "Adopt");
    /** How often each method is drawn, against 2 for the others: objects to aim at first, scans of the host rarely. */
    private static final Map<String, Integer> WEIGHTS = Map.of("CreateMap", 8, "LoadProgram", 4, "MapUpdate", 6,
            "MapUpdateBatch", 3, "Explain", 1, "ListAll", 1, "LoadObject", 1);
    /** Ids that no kernel object has: past 32 bits, zero, negative. */
    private static final long[] NO_OBJECT = {0, -1, 1L << 31, (1L << 32) + 1, Long.MAX_VALUE};
    private static final byte[][] NOT_UTF8 = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xe2, (byte) 0x82},
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
    private static final String MARKER = "SOAKMARKER";

    /** Another uid's object that nobody may change, with its pin under the owner's directory. */
    record Victim(int ownerUid, long id, String pin) {
    }

    private final String name;
    private final int uid;
    private final TestUser user;
    private final Path socket;
    private final CallGenerator generator;
    private final Ledger ledger;
    private final SplittableRandom random;
    private final Supplier<List<Victim>> victims;
    private final List<Integer> uids;
    private final Path passedFile;
    private final List<MethodDefinition> methods = new ArrayList<>();
    private final CallGenerator.Targets targets = new Targets();
    private volatile boolean stopped;
    private Thread thread;
    private int pins;

    SoakClient(String name, TestUser user, Path socket, CallGenerator generator, Ledger ledger, long seed,
            Supplier<List<Victim>> victims, List<Integer> uids, Path passedFile) {
        this.name = name;
        this.user = user;
        this.uid = user == null ? 0 : user.uid();
        this.socket = socket;
        this.generator = generator;
        this.ledger = ledger;
        this.random = new SplittableRandom(seed);
        this.victims = victims;
        this.uids = uids;
        this.passedFile = passedFile;
        for (MethodDefinition method : generator.idl().methods().values()) {
            if (user != null || !NOT_FOR_ROOT.contains(method.name())) {
                for (int i = WEIGHTS.getOrDefault(method.name(), 2); i > 0; i--) {
                    methods.add(method);
                }
            }
        }
    }

    void start(String threadName) {
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        stopped = true;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    String name() {
        return name;
    }

    @Override
    public void run() {
        while (!stopped) {
            try (VarlinkClient client = connect()) {
                client.setReadTimeout(REPLY_DEADLINE);
                while (!stopped && step(client)) {
                    ledger.count("steps");
                }
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    ledger.finding(name + ": no reply within " + REPLY_DEADLINE);
                }
                ledger.count("connections ended by the daemon or its death");
            } catch (RuntimeException e) {
                ledger.finding(name + ": " + e);
            } catch (Exception e) {
                ledger.finding(name + ": cannot connect: " + e);
                return;
            }
        }
    }

    private VarlinkClient connect() throws Exception {
        ledger.count("connections");
        return user == null ? VarlinkClient.connectPassingFds(socket)
                : user.run(() -> VarlinkClient.connectPassingFds(socket));
    }

    /** One generated step; false when it closed the connection on purpose. */
    private boolean step(VarlinkClient client) {
        Hostility hostility = Hostility.pick(random);
        MethodDefinition method = methods.get(random.nextInt(methods.size()));
        ledger.count("calls " + hostility);
        ledger.count("method " + method.name());
        switch (hostility) {
            case VALID -> call(client, method, generator.valid(method, targets, random));
            case WRONG_TYPE, MISSING_FIELD, UNKNOWN_FIELD -> {
                // Refused before any handler runs (the generator checked it against the IDL), so it ends nothing.
                ObjectNode parameters = generator.offContract(method, hostility, targets, random);
                try {
                    client.call(generator.qualified(method), parameters);
                    ledger.finding(name + ": an off-contract " + method.name() + " succeeded: " + parameters);
                } catch (VarlinkCallException refused) {
                    tally(refused.error(), method.name() + " " + parameters + " -> " + refused.parameters());
                }
            }
            case HUGE_STRING -> {
                int length = switch (random.nextInt(20)) {
                    case 0 -> 16 * 1024 * 1024 + 1024;
                    case 1, 2, 3 -> random.nextInt(1 << 20, 8 << 20);
                    default -> random.nextInt(64 << 10, 1 << 20);
                };
                call(client, method, generator.withHugeString(method, targets, random, length));
                return length < 16 * 1024 * 1024;
            }
            case DEEP_NESTING -> {
                int depth = random.nextInt(1_000, 200_000);
                String open = random.nextBoolean() ? "[" : "{\"a\":";
                String close = open.equals("[") ? "]" : "}";
                return rawExchange(client, ("{\"method\":\"" + generator.qualified(method) + "\",\"parameters\":{\"x\":"
                        + open.repeat(depth) + close.repeat(depth) + "}}\0").getBytes(StandardCharsets.UTF_8));
            }
            case BAD_UTF8 -> {
                return rawExchange(client, withMarker(method, NOT_UTF8[random.nextInt(NOT_UTF8.length)]));
            }
            case NUL_BYTE -> {
                if (random.nextBoolean()) {
                    rawExchange(client, withMarker(method, "a\\u0000b".getBytes(StandardCharsets.UTF_8)));
                    return true;
                }
                rawExchange(client, withMarker(method, new byte[] {'a', 0, 'b'}));
                return false; // the NUL cut the call in two; the rest of it may be waiting for its own end
            }
            case PASSED_FDS -> {
                return passFds(client, method);
            }
            case PIPELINED -> pipeline(client);
            case ONEWAY -> {
                ObjectNode parameters = generator.valid(method, targets, random);
                mayEnd(method, parameters);
                client.oneway(generator.qualified(method), parameters);
            }
            case MORE -> more(client, method);
            case DROPPED_MID_MESSAGE -> {
                ObjectNode parameters = generator.valid(method, targets, random);
                mayEnd(method, parameters);
                byte[] message = message(method, parameters);
                int cut = random.nextBoolean() ? message.length : random.nextInt(1, message.length);
                client.sendRaw(Arrays.copyOf(message, cut));
                return false;
            }
            case NOT_A_CALL -> {
                String[] notCalls = {"{}", "[]", "\"call\"", "42", "{\"method\":5}", "{\"method\":\"io.bpfkeeper.Nope\"}",
                        "{\"method\":\"org.example.Other\"}", "{\"method\":\"" + generator.qualified(method)
                        + "\",\"parameters\":[1]}", "{\"method\":\"io.bpfkeeper.List\"", "\u0001\u0002garbage"};
                return rawExchange(client, (notCalls[random.nextInt(notCalls.length)] + "\0")
                        .getBytes(StandardCharsets.UTF_8));
            }
            default -> throw new IllegalStateException("unhandled " + hostility);
        }
        return true;
    }

    /** Calls and records the reply; an error reply is counted, not thrown. */
    private void call(VarlinkClient client, MethodDefinition method, ObjectNode parameters) {
        mayEnd(method, parameters);
        try {
            JsonNode reply = client.call(generator.qualified(method), parameters);
            tally(null, null);
            if (CREATING.contains(method.name())) {
                ledger.acknowledge(uid, method.name(), reply);
            }
        } catch (VarlinkCallException refused) {
            tally(refused.error(), method.name() + " " + parameters + " -> " + refused.parameters());
        }
    }

    /** Writes bytes that may break the protocol and waits for an answer or the end of the connection. */
    private boolean rawExchange(VarlinkClient client, byte[] bytes) {
        client.sendRaw(bytes);
        return readAnswer(client, new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.UTF_8));
    }

    private boolean readAnswer(VarlinkClient client, String sent) {
        try {
            JsonNode reply = client.readMessage();
            tally(reply.path("error").textValue(), sent + " -> " + reply);
            return true;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw e;
            }
            ledger.count("closed by the daemon after a hostile message");
            return false;
        }
    }

    private boolean passFds(VarlinkClient client, MethodDefinition method) {
        int count = random.nextInt(1, 11);
        List<Fd> passed = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                passed.add(Fd.adopt(LibC.INSTANCE.open(passedFile.toString(), O_RDONLY_CLOEXEC, 0)));
            }
            int[] numbers = passed.stream().mapToInt(FdNumbers::of).toArray();
            ObjectNode parameters = random.nextBoolean() ? generator.valid(method, targets, random)
                    : generator.offContract(method, Hostility.UNKNOWN_FIELD, targets, random);
            mayEnd(method, parameters);
            ObjectNode call = JSON.createObjectNode().put("method", generator.qualified(method));
            call.set("parameters", parameters);
            ledger.count("fds passed", count);
            client.send(call, numbers);
            return readAnswer(client, call + " with " + count + " fds");
        } finally {
            passed.forEach(Fd::close);
        }
    }

    private void pipeline(VarlinkClient client) {
        int count = random.nextInt(2, 12);
        List<MethodDefinition> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MethodDefinition method = methods.get(random.nextInt(methods.size()));
            ObjectNode parameters;
            if (random.nextInt(3) == 0) {
                parameters = generator.offContract(method, Hostility.WRONG_TYPE, targets, random);
            } else {
                parameters = generator.valid(method, targets, random);
                mayEnd(method, parameters);
            }
            ObjectNode call = JSON.createObjectNode().put("method", generator.qualified(method));
            call.set("parameters", parameters);
            client.send(call);
            sent.add(method);
        }
        for (MethodDefinition method : sent) {
            JsonNode reply = client.readMessage();
            if (tally(reply.path("error").textValue(), "pipelined " + method.name() + " -> " + reply)
                    && CREATING.contains(method.name())) {
                ledger.acknowledge(uid, method.name(), reply.path("parameters"));
            }
        }
    }

    private void more(VarlinkClient client, MethodDefinition method) {
        ObjectNode parameters = generator.valid(method, targets, random);
        mayEnd(method, parameters);
        ObjectNode call = JSON.createObjectNode().put("method", generator.qualified(method)).put("more", true);
        call.set("parameters", parameters);
        client.send(call);
        JsonNode reply;
        do {
            reply = client.readMessage();
            if (tally(reply.path("error").textValue(), call + " -> " + reply) && CREATING.contains(method.name())) {
                ledger.acknowledge(uid, method.name(), reply.path("parameters"));
            }
        } while (reply.path("continues").asBoolean(false));
    }

    private byte[] message(MethodDefinition method, ObjectNode parameters) {
        ObjectNode call = JSON.createObjectNode().put("method", generator.qualified(method));
        call.set("parameters", parameters);
        try {
            byte[] json = JSON.writeValueAsBytes(call);
            return Arrays.copyOf(json, json.length + 1); // and the NUL that ends it
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid call whose first string field (or an added one) holds {@code bytes} in its middle, unescaped. */
    private byte[] withMarker(MethodDefinition method, byte[] bytes) {
        ObjectNode parameters = generator.valid(method, targets, random);
        List<String> strings = new ArrayList<>();
        parameters.fields().forEachRemaining(field -> {
            if (field.getValue().isTextual()) {
                strings.add(field.getKey());
            }
        });
        parameters.put(strings.isEmpty() ? "name" : strings.get(random.nextInt(strings.size())), "x" + MARKER + "y");
        mayEnd(method, parameters);
        byte[] message = message(method, parameters);
        String text = new String(message, StandardCharsets.UTF_8);
        int at = text.indexOf(MARKER);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(message, 0, at);
        out.writeBytes(bytes);
        out.write(message, at + MARKER.length(), message.length - at - MARKER.length());
        return out.toByteArray();
    }

    /**
     * Counts a reply by its error, or as answered without one; an InternalError, which no input
     * should cause, is a finding. Whether the call succeeded.
     */
    private boolean tally(String error, String call) {
        if (error == null) {
            ledger.count("answered");
            return true;
        }
        ledger.count("refused " + error);
        if (error.equals(BpfkeeperInterface.INTERNAL_ERROR)) {
            ledger.finding(name + ": InternalError for " + (call.length() > 600 ? call.substring(0, 600) + "…" : call));
        }
        return false;
    }

    /** Before a call that may end the caller's own object, that object's survival is no longer owed. */
    private void mayEnd(MethodDefinition method, ObjectNode parameters) {
        if (ENDING.contains(method.name()) && parameters.has("id")) {
            ledger.mayEnd(uid, parameters.get("id").asLong());
        }
    }

    private final class Targets implements CallGenerator.Targets {
        @Override
        public long id(String field, SplittableRandom random) {
            if (field.equals("groupOwner")) {
                return user == null ? 0 : uids.get(random.nextInt(uids.size()));
            }
            int aim = random.nextInt(20);
            if (aim < 4) {
                return NO_OBJECT[random.nextInt(NO_OBJECT.length)];
            }
            if (user != null && aim < 11) {
                List<Long> others = new ArrayList<>(ledger.ids(uid, true, null));
                victims.get().stream().filter(victim -> victim.ownerUid() != uid).forEach(victim -> others.add(victim.id()));
                return Ledger.pick(others, random, 1);
            }
            return Ledger.pick(ledger.ids(uid, false, null), random, NO_OBJECT[0]);
        }

        @Override
        public String path(String field, SplittableRandom random) {
            String own = user == null ? "root-soak/" : "users/" + uid + "/";
            int aim = random.nextInt(20);
            if (aim < 10) {
                return own + "soak" + (pins++);
            }
            if (user != null && aim < 15) {
                List<Victim> others = victims.get().stream().filter(victim -> victim.ownerUid() != uid).toList();
                if (!others.isEmpty()) {
                    return others.get(random.nextInt(others.size())).pin();
                }
            }
            String[] hostile = {"../escape", "/etc/soak", own + "../../escape", own + "d/".repeat(300) + "x",
                    own + "x".repeat(300), "", own + ".", own + "a\nb", "users/" + uids.get(random.nextInt(uids.size()))
                    + "/soak"};
            return hostile[random.nextInt(hostile.length)];
        }

        @Override
        public int uid() {
            return uid;
        }
    }
}
