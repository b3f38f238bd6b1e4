package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Insns;
import io.bpfkeeper.daemon.kernel.KernelIds;
import io.bpfkeeper.daemon.kernel.ObjectIdentity;
import io.bpfkeeper.daemon.kernel.ObjectKind;
import io.bpfkeeper.daemon.kernel.ProcessFds;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.RegistryListener;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.types.Lifetime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input gets a clear error, and leaves both the objects the daemon owns and its service
 * to other clients intact. A sentinel map, created and filled on another connection before each
 * case, is read back through bpftool afterwards.
 */
@KernelTest
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXIT_ONLY = "9500000000000000";
    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int BPF_ALU64_ADD_K = 0x07;
    private static final int BPF_JMP_JLT_K = 0xa5;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    private TestDaemon daemon;
    private BpfkeeperClient bystander;
    private int sentinel;

    @BeforeEach
    void startWithASentinel() {
        daemon = TestDaemon.start(bpffs.path());
        bystander = daemon.client();
        sentinel = (int) bystander.createMap(CreateMapRequest.of("sentinel", "array", 4, 8, 1)).id();
        bystander.mapUpdate(sentinel, "00000000", "5a5a5a5a5a5a5a5a", null);
    }

    @AfterEach
    void checkTheSentinelAndStop() {
        assertThat(Bpftool.mapLookup(sentinel, new byte[4])).isEqualTo(HexFormat.of().parseHex("5a5a5a5a5a5a5a5a"));
        assertThat(bystander.get(io.bpfkeeper.protocol.types.Kind.MAP, sentinel).name()).isEqualTo("sentinel");
        bystander.close();
        daemon.close();
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                bad("unknown method", "io.bpfkeeper.Frobnicate", "{}", VarlinkService.METHOD_NOT_FOUND, "method"),
                bad("missing parameter", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"m\",\"type\":\"hash\",\"keySize\":4,\"valueSize\":4}",
                        VarlinkService.INVALID_PARAMETER, "parameter"),
                bad("wrong type", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"m\",\"type\":\"hash\",\"keySize\":\"four\",\"valueSize\":4,\"maxEntries\":1}",
                        VarlinkService.INVALID_PARAMETER, "parameter"),
                bad("negative size", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"m\",\"type\":\"hash\",\"keySize\":-4,\"valueSize\":4,\"maxEntries\":1}",
                        BpfkeeperInterface.INVALID_ARGUMENT, "parameter"),
                bad("unknown map type", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"m\",\"type\":\"hashmap\",\"keySize\":4,\"valueSize\":4,\"maxEntries\":1}",
                        BpfkeeperInterface.INVALID_ARGUMENT, "parameter"),
                bad("max_entries 0", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"m\",\"type\":\"hash\",\"keySize\":4,\"valueSize\":4,\"maxEntries\":0}",
                        BpfkeeperInterface.KERNEL_ERROR, "hint"),
                bad("name too long", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"a_name_of_twenty_chars\",\"type\":\"hash\",\"keySize\":4,\"valueSize\":4,"
                                + "\"maxEntries\":1}",
                        BpfkeeperInterface.INVALID_ARGUMENT, "parameter"),
                bad("verifier rejects", "io.bpfkeeper.LoadProgram",
                        "{\"name\":\"p\",\"type\":\"socket_filter\",\"instructions\":\"" + EXIT_ONLY
                                + "\",\"license\":\"GPL\"}",
                        BpfkeeperInterface.PROGRAM_REJECTED, "log"),
                bad("instructions not whole", "io.bpfkeeper.LoadProgram",
                        "{\"name\":\"p\",\"type\":\"xdp\",\"instructions\":\"950000\",\"license\":\"GPL\"}",
                        BpfkeeperInterface.INVALID_ARGUMENT, "parameter"),
                bad("no such object", "io.bpfkeeper.Release", "{\"kind\":\"map\",\"id\":2147483647}",
                        BpfkeeperInterface.NO_SUCH_OBJECT, "id"),
                // Found by the hostile-client soak: each was an InternalError (a NullPointerException).
                bad("release with a kind and no id", "io.bpfkeeper.Release", "{\"kind\":\"map\"}",
                        BpfkeeperInterface.INVALID_ARGUMENT, "parameter"),
                bad("release with an id and no kind", "io.bpfkeeper.Release", "{\"id\":1}",
                        BpfkeeperInterface.INVALID_ARGUMENT, "parameter"),
                bad("pin outside the root", "io.bpfkeeper.CreateMap",
                        "{\"name\":\"m\",\"type\":\"hash\",\"keySize\":4,\"valueSize\":4,\"maxEntries\":1,"
                                + "\"pin\":\"../../outside\"}",
                        BpfkeeperInterface.INVALID_PIN_PATH, "reason"));
    }

    private static Arguments bad(String what, String method, String parameters, String error, String field) {
        return Arguments.of(what, method, parameters, error, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badCallGetsItsErrorWithAReason(String what, String method, String parameters, String error, String field)
            throws Exception {
        try (VarlinkClient client = daemon.rawClient()) {
            ObjectNode call = JSON.createObjectNode().put("method", method);
            call.set("parameters", JSON.readTree(parameters));
            client.send(call);
            JsonNode reply = client.readMessage();

            assertThat(reply.path("error").asText()).isEqualTo(error);
            assertThat(reply.path("parameters").path(field).asText()).isNotBlank();
            if (error.startsWith(BpfkeeperInterface.NAME + ".")) {
                assertThat(reply.path("parameters").path("message").asText()).isNotBlank();
            }
        }
        assertThat(KernelIds.exists(ObjectKind.MAP, sentinel)).isTrue();
    }

    @Test
    void rejectedProgramsLogNamesTheOffendingInstruction() throws Exception {
        try (VarlinkClient client = daemon.rawClient()) {
            ObjectNode call = JSON.createObjectNode().put("method", BpfkeeperInterface.LOAD_PROGRAM);
            call.putObject("parameters").put("name", "bad").put("type", "socket_filter")
                    .put("instructions", EXIT_ONLY).put("license", "GPL");
            client.send(call);
            JsonNode log = client.readMessage().path("parameters").path("log");
            assertThat(log.asText()).contains("0: (95) exit").contains("R0 !read_ok");
        }
    }

    @Test
    void malformedJsonClosesOnlyThatConnection() throws Exception {
        try (VarlinkClient client = daemon.rawClient()) {
            client.sendRaw("{\"method\": \"io.bpfkeeper.List\", \"param".getBytes(StandardCharsets.UTF_8));
            client.sendRaw(new byte[] {'}', 0});
            assertThat(client.readMessage().path("error").asText()).isEqualTo(BpfkeeperInterface.PROTOCOL_VIOLATION);
        }
    }

    @Test
    void oversizedMessageIsRefusedAndTheConnectionClosed() throws Exception {
        try (VarlinkClient client = daemon.rawClient()) {
            byte[] huge = new byte[17 * 1024 * 1024];
            java.util.Arrays.fill(huge, (byte) ' ');
            try {
                client.sendRaw(huge);
            } catch (java.io.UncheckedIOException closedWhileWriting) {
                // The daemon stops reading at the limit and closes; its error reply is already queued.
            }
            JsonNode reply = client.readMessage();
            assertThat(reply.path("error").asText()).isEqualTo(BpfkeeperInterface.MESSAGE_TOO_LARGE);
            assertThat(reply.path("parameters").path("limit").asLong()).isEqualTo(16L * 1024 * 1024);
        }
    }

    @Test
    void clientLeavingMidMessageLeavesNothingBehind() throws Exception {
        int sessionMap;
        try (VarlinkClient client = daemon.rawClient()) {
            BpfkeeperClient typed = new BpfkeeperClient(client);
            sessionMap = (int) typed.createMap(CreateMapRequest.of("leaver", "hash", 4, 4, 4)
                    .withLifetime(io.bpfkeeper.protocol.types.Lifetime.SESSION)).id();
            client.sendRaw("{\"method\":\"io.bpfkeeper.Cre".getBytes(StandardCharsets.UTF_8));
        }
        Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.MAP, sessionMap),
                "the session map of a client that left mid-message is freed");
    }

    /**
     * A client that disconnects while the verifier is still working on its session program. The
     * load finishes after the client is gone, and registers the program to the session of a
     * connection that no one will use again. The daemon learns that the connection is gone only
     * when the load's reply cannot be written (a close reads like the end of input, after which a
     * client still waits for its replies), and the connection's close waits for the call; the
     * session's release must then take the program: none of that load stays in the kernel, and no
     * fd of one in the daemon.
     */
    @Test
    void clientLeavingDuringALoadLeavesNoProgram() throws Exception {
        String program = "leaverprog";
        List<OwnedObject> registered = new CopyOnWriteArrayList<>();
        daemon.daemon().registry().addListener(new RegistryListener() {
            @Override
            public void added(OwnedObject object) {
                if (object.name().equals(program)) {
                    registered.add(object);
                }
            }
        });
        int programFdsBefore = programFdsOfThisProcess();

        try (VarlinkClient client = daemon.rawClient()) {
            ObjectNode call = JSON.createObjectNode().put("method", BpfkeeperInterface.LOAD_PROGRAM);
            call.putObject("parameters").put("name", program).put("type", "socket_filter")
                    .put("instructions", slowToVerify()).put("license", "GPL").put("lifetime", "session")
                    .put("logLevel", 1);
            client.send(call);
            Eventually.until(Duration.ofSeconds(30), BadInputTest::aWorkerIsLoadingAProgram,
                    "a worker of the daemon is loading the program");
        }
        assertThat(aWorkerIsLoadingAProgram())
                .as("the load still runs in a worker once the client has closed its connection; a load that"
                        + " ends before proves nothing")
                .isTrue();

        Eventually.until(Duration.ofSeconds(60), () -> !registered.isEmpty() && daemonIsIdle(),
                "the loaded program was registered, and released again");
        int id = registered.get(0).id();
        assertThat(registered.get(0).lifetime()).isEqualTo(Lifetime.SESSION);
        Eventually.until(Duration.ofSeconds(10), () -> !KernelIds.exists(ObjectKind.PROGRAM, id),
                "program " + id + " of the load is gone from the kernel");
        assertThat(anyProgram(other -> programNamed(other, program))).as("a program named " + program).isFalse();
        assertThat(programFdsOfThisProcess()).as("program fds of the daemon's process").isLessThanOrEqualTo(
                programFdsBefore);
    }

    /**
     * A bounded loop of 100,000 rounds (r1 = 0; r1 += 1 while r1 < 100000), which the verifier walks
     * round by round. With a log of level 1 it prints the state at every branch: about half a second
     * a pass on this machine, and the daemon makes several passes as it grows the log's buffer.
     */
    private static String slowToVerify() {
        return new Insns().mov(R0, 0).mov(R1, 0).raw(BPF_ALU64_ADD_K, R1, 0, 0, 1)
                .raw(BPF_JMP_JLT_K, R1, 0, -2, 100_000).exit().hex();
    }

    /** Whether a thread of this process, where the daemon runs, is in BpfProgram.load. */
    private static boolean aWorkerIsLoadingAProgram() {
        return Thread.getAllStackTraces().values().stream().flatMap(Arrays::stream)
                .anyMatch(frame -> frame.getClassName().equals(BpfProgram.class.getName())
                        && frame.getMethodName().equals("load"));
    }

    /** The fds of this process, where the daemon runs, that hold a BPF program. */
    private static int programFdsOfThisProcess() {
        AtomicInteger count = new AtomicInteger();
        new ProcessFds().eachLinkedTo((int) ProcessHandle.current().pid(),
                List.of(ProcessFds.target("anon_inode:bpf-prog")), fd -> count.incrementAndGet());
        return count.get();
    }

    private boolean daemonIsIdle() {
        return daemon.daemon().registry().size() == 1;
    }

    private static boolean anyProgram(Function<Integer, Boolean> matches) {
        for (OptionalInt id = KernelIds.next(ObjectKind.PROGRAM, 0); id.isPresent();
                id = KernelIds.next(ObjectKind.PROGRAM, id.getAsInt())) {
            if (matches.apply(id.getAsInt())) {
                return true;
            }
        }
        return false;
    }

    private static boolean programNamed(int id, String name) {
        try (var fd = KernelIds.open(ObjectKind.PROGRAM, id)) {
            return ObjectIdentity.of(fd) != null
                    && io.bpfkeeper.daemon.kernel.ObjectInfo.program(fd).name().equals(name);
        } catch (io.bpfkeeper.daemon.kernel.BpfException gone) {
            return false;
        }
    }
}
