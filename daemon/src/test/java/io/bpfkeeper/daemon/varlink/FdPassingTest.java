package io.bpfkeeper.daemon.varlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.testing.FdNumbers;
import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.VarlinkService;
import io.bpfkeeper.protocol.client.VarlinkCallException;
import io.bpfkeeper.protocol.client.VarlinkClient;
import io.bpfkeeper.protocol.client.VarlinkClient.ReplyWithFds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fds pass with calls and replies in SCM_RIGHTS, the way sd-varlink passes them, through the Java
 * client. Every test is judged by the process's fd table: when a test has closed its own copies,
 * no fd in the process (the daemon runs in it) may still point at the test's file.
 */
@KernelTest
class FdPassingTest {

    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final String INSPECT = "io.bpfkeeper.test.Inspect";
    private static final String ECHO = "io.bpfkeeper.test.Echo";
    private static final String GET_INFO = "org.varlink.service.GetInfo";

    @RegisterExtension
    final InProcessDaemon daemon = InProcessDaemon.withTestInterface();

    @TempDir
    Path scratch;

    private Path file;
    private final List<Fd> opened = new ArrayList<>();
    private VarlinkClient client;

    @BeforeEach
    void connect() throws IOException {
        file = Files.writeString(scratch.resolve("passed"), "sent by the client");
        client = VarlinkClient.connectPassingFds(daemon.daemon().socket());
        client.setReadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void closeAll() {
        client.close();
        opened.forEach(Fd::close);
    }

    @Test
    void aMethodReadsTheFileWhoseFdCameWithTheCall() throws IOException {
        ReplyWithFds reply = client.call(INSPECT, Map.of("fileDescriptor", 0), fdsOfFile(1));

        assertThat(reply.parameters().get("inode").asLong()).isEqualTo(inodeOf(file));
        assertThat(reply.parameters().get("text").asText()).isEqualTo("sent by the client");
        assertNoFdLeftOnTheFile();
    }

    @Test
    void anFdThatCameWithAReplyIsTheClients() throws IOException {
        ReplyWithFds reply = client.call(ECHO, Map.of("fileDescriptor", 0), fdsOfFile(1));

        assertThat(reply.parameters().get("fileDescriptor").asInt()).isZero();
        assertThat(reply.fds()).hasSize(1);
        try (Fd returned = Fd.adopt(reply.fds()[0])) {
            Path view = Path.of("/proc/self/fd/" + FdNumbers.of(returned));
            assertThat(inodeOf(view)).isEqualTo(inodeOf(file));
            assertThat(Files.readString(view)).isEqualTo("sent by the client");
        }
        assertNoFdLeftOnTheFile();
    }

    @Test
    void fdsAMethodDidNotTakeAreClosedWhenTheCallEnds() {
        client.call(INSPECT, Map.of("fileDescriptor", 2), fdsOfFile(8));

        assertNoFdLeftOnTheFile();
    }

    @Test
    void aMethodWhoseIdlNamesNoFdRefusesFdsAndClosesThem() {
        assertThatThrownBy(() -> client.call(GET_INFO, null, fdsOfFile(2)))
                .isInstanceOfSatisfying(VarlinkCallException.class, refused -> {
                    assertThat(refused.error()).isEqualTo(VarlinkService.INVALID_PARAMETER);
                    assertThat(refused.parameters().get("parameter").asText()).isEqualTo(Services.FDS_PARAMETER);
                });

        assertNoFdLeftOnTheFile();
        assertThat(client.call(GET_INFO, null).get("product").asText()).isNotEmpty();
    }

    @Test
    void anFdIndexWithoutAnFdIsAnInvalidParameter() {
        assertThatThrownBy(() -> client.call(INSPECT, Map.of("fileDescriptor", 1), fdsOfFile(1)))
                .isInstanceOfSatisfying(VarlinkCallException.class, refused -> {
                    assertThat(refused.error()).isEqualTo(VarlinkService.INVALID_PARAMETER);
                    assertThat(refused.parameters().get("parameter").asText()).isEqualTo("fileDescriptor");
                });

        assertNoFdLeftOnTheFile();
    }

    /**
     * Room for 8 fds a read: the kernel closes the ninth and reports MSG_CTRUNC, which breaks the
     * protocol, so the connection ends after its error.
     */
    @Test
    void nineFdsBreakTheProtocolAndAllAreClosed() {
        assertThatThrownBy(() -> client.call(INSPECT, Map.of("fileDescriptor", 0), fdsOfFile(9)))
                .isInstanceOfSatisfying(VarlinkCallException.class,
                        refused -> assertThat(refused.error()).isEqualTo(BpfkeeperInterface.PROTOCOL_VIOLATION));

        assertThatThrownBy(() -> client.call(GET_INFO, null)).isInstanceOf(UncheckedIOException.class);
        assertNoFdLeftOnTheFile();
        daemon.connect().assertServes();
    }

    /**
     * The first half of a call goes in one write with a whole call, whose reply shows that the
     * daemon has read both; fds with the second half then came with a byte in the middle of a
     * message, which breaks the protocol, as in sd-varlink.
     */
    @Test
    void fdsInTheMiddleOfAMessageBreakTheProtocol() {
        String call = "{\"method\":\"" + INSPECT + "\",\"parameters\":{\"fileDescriptor\":0}}\0";
        int half = call.length() / 2;
        client.sendRaw(("{\"method\":\"" + GET_INFO + "\"}\0" + call.substring(0, half)).getBytes(StandardCharsets.UTF_8));
        assertThat(client.readMessage().has("error")).isFalse();

        client.sendRaw(call.substring(half).getBytes(StandardCharsets.UTF_8), fdsOfFile(1));

        JsonNode refused = client.readMessage();
        assertThat(refused.get("error").asText()).isEqualTo(BpfkeeperInterface.PROTOCOL_VIOLATION);
        assertThat(refused.get("parameters").get("message").asText()).contains("first byte");
        assertThatThrownBy(() -> client.call(GET_INFO, null)).isInstanceOf(UncheckedIOException.class);
        assertNoFdLeftOnTheFile();
    }

    /**
     * As in sd-varlink, fds belong to the message that the read bringing them begins with. Two
     * pipelined calls that arrive in one read, the first without fds and the second with them, both
     * begin in that read: the fds go with the first, which takes none, and the second finds none.
     * Neither runs with fds it was not sent for, and none stays open.
     */
    @Test
    void fdsInAReadGoWithTheMessageTheReadBegins() throws InterruptedException {
        VarlinkClient stalled = VarlinkClient.connectPassingFds(daemon.daemon().socket());
        stalled.setReadTimeout(Duration.ofSeconds(30));
        try {
            stalled.send(Json.object("{'method': 'io.bpfkeeper.test.Stall'}"));
            daemon.gate().awaitWaiter();
            stalled.send(Json.object("{'method': '" + GET_INFO + "'}"));
            stalled.send(Json.object("{'method': '" + INSPECT + "', 'parameters': {'fileDescriptor': 0}}"), fdsOfFile(1));
            daemon.gate().open();

            assertThat(stalled.readMessage().has("error")).isFalse();
            assertThat(stalled.readMessage().get("parameters").get("parameter").asText()).isEqualTo(Services.FDS_PARAMETER);
            assertThat(stalled.readMessage().get("parameters").get("parameter").asText()).isEqualTo("fileDescriptor");
        } finally {
            stalled.close();
        }
        assertNoFdLeftOnTheFile();
    }

    /**
     * Calls with fds queued behind a slow call stop the daemon reading the connection, so that the
     * client's fds wait in the socket, on the client's account, not in the daemon's fd table.
     */
    @Test
    void pipelinedCallsWithFdsWaitInTheSocketNotInTheDaemon() throws InterruptedException {
        int[] fds = fdsOfFile(8);
        client.send(Json.object("{'method': '" + TestInterface.WAIT + "'}"));
        daemon.gate().awaitWaiter();
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            client.send(Json.object("{'method': '" + INSPECT + "', 'parameters': {'fileDescriptor': 7}}"), fds);
        }
        // Time for the daemon to read whatever it would read.
        Thread.sleep(500);
        assertThat(fdsOnFile() - fds.length).as("fds on the file in the daemon").isLessThanOrEqualTo(16);

        daemon.gate().open();
        assertThat(client.readMessage().has("error")).isFalse();
        for (int i = 0; i < calls; i++) {
            assertThat(client.readMessage().get("parameters").get("text").asText()).isEqualTo("sent by the client");
        }
        assertNoFdLeftOnTheFile();
    }

    /** {@code count} fds of the test's file, which the test closes after it. */
    private int[] fdsOfFile(int count) {
        int[] fds = new int[count];
        for (int i = 0; i < count; i++) {
            Fd fd = Fd.adopt(LibC.INSTANCE.open(file.toString(), O_RDONLY_CLOEXEC, 0));
            opened.add(fd);
            fds[i] = FdNumbers.of(fd);
        }
        return fds;
    }

    private static long inodeOf(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
    }

    /** Closes the test's own fds of its file, then waits until no fd in the process points at it. */
    private void assertNoFdLeftOnTheFile() {
        opened.forEach(Fd::close);
        opened.clear();
        Eventually.until(Duration.ofSeconds(10), () -> fdsOnFile() == 0, "no fd left on " + file);
    }

    private long fdsOnFile() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
