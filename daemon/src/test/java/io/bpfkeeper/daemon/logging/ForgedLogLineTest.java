package io.bpfkeeper.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.daemon.testing.TestUser;
import io.bpfkeeper.protocol.client.AdoptRequest;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A client that is only in the socket's group puts a whole audit line, newline first, into the
 * names and paths it sends. The daemon's log, in the format it has under the journal (no
 * timestamps), must show it inside the client's own audit line, escaped, and never as a line of its
 * own; the journal's native fields must carry the real caller.
 */
@KernelTest
class ForgedLogLineTest {

    private static final String FORGED_LINE = "INFO  audit: uid=0 pid=1 comm=systemd: released map 4242 (payroll)";
    private static final String FORGED = "x\n" + FORGED_LINE;

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @TempDir
    Path directory;

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger audit = context.getLogger(JournaldAppender.AUDIT_LOGGER);
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> lines = new OutputStreamAppender<>();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final JournaldAppender journal = new JournaldAppender();
    private UnixDatagramChannel journald;

    @BeforeEach
    void captureTheLog() throws IOException {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(LogPattern.PLAIN);
        encoder.start();
        lines.setContext(context);
        lines.setEncoder(encoder);
        lines.setOutputStream(text);
        lines.start();
        root.addAppender(lines);
        events.setContext(context);
        events.start();
        root.addAppender(events);

        Path socket = directory.resolve("journal.socket");
        journald = UnixDatagramChannel.open();
        journald.bind(new UnixSocketAddress(socket.toFile()));
        journal.setContext(context);
        journal.setSocket(socket.toString());
        journal.start();
        audit.addAppender(journal);
        audit.setLevel(Level.INFO);
    }

    @AfterEach
    void stopCapturing() throws IOException {
        audit.setLevel(null);
        audit.detachAppender(journal);
        root.detachAppender(lines);
        root.detachAppender(events);
        journal.stop();
        lines.stop();
        journald.close();
    }

    @Test
    void aForgedAuditLineStaysInsideTheCallersOwnLine() throws Exception {
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); TestUser attacker = TestUser.create()) {
            daemon.admit(attacker);
            try (BpfkeeperClient client = attacker.client(daemon.socket())) {
                catchThrowable(() -> client.adopt(AdoptRequest.byPath(FORGED)));
                catchThrowable(() -> client.createMap(CreateMapRequest.of(FORGED, "array", 4, 4, 1)));
                catchThrowable(() -> client.createMap(CreateMapRequest.of("labelled", "array", 4, 4, 1)
                        .withLabels(Map.of(FORGED, "v"))));
                long id = client.createMap(CreateMapRequest.of("mine", "array", 4, 4, 1)).id();
                catchThrowable(() -> client.pin(Kind.MAP, id, FORGED));
                catchThrowable(() -> client.unpin(Kind.MAP, id, FORGED));
            }

            String prefix = "INFO  audit: uid=" + attacker.uid() + " pid=" + ProcessHandle.current().pid() + " comm=";
            List<String> logged = text.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(logged).noneMatch(line -> line.startsWith(FORGED_LINE))
                    .noneMatch(line -> line.startsWith("INFO  audit: uid=0"));
            assertThat(logged.stream().filter(line -> line.startsWith(prefix)
                    && line.contains("x\\n" + FORGED_LINE))).hasSizeGreaterThanOrEqualTo(5);
            // Escaped where the client's strings enter the line, not only by the line format.
            assertThat(events.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage())
                    .doesNotContain("\n").doesNotContain("\r"));

            List<Map<String, String>> entries = journalEntries(events.list.stream()
                    .filter(event -> event.getLoggerName().equals(JournaldAppender.AUDIT_LOGGER)).count());
            assertThat(entries).hasSizeGreaterThanOrEqualTo(6).allSatisfy(entry -> {
                assertThat(entry).containsEntry("SYSLOG_IDENTIFIER", "bpfkeeper")
                        .containsEntry("BPFKEEPER_CALLER_UID", Integer.toString(attacker.uid()))
                        .containsEntry("BPFKEEPER_CALLER_PID", Long.toString(ProcessHandle.current().pid()))
                        .containsKey("BPFKEEPER_CALLER_COMM").containsKey("BPFKEEPER_METHOD")
                        .containsKey("BPFKEEPER_RESULT");
                assertThat(entry.get("MESSAGE")).doesNotContain("\n").startsWith("uid=" + attacker.uid() + " ");
            });
            assertThat(entries).anySatisfy(entry -> assertThat(entry)
                    .containsEntry("BPFKEEPER_METHOD", "io.bpfkeeper.CreateMap")
                    .containsEntry("BPFKEEPER_OBJECT", "map " + entries.stream()
                            .filter(each -> "ok".equals(each.get("BPFKEEPER_RESULT"))).findFirst()
                            .orElseThrow().get("BPFKEEPER_OBJECT").substring(4))
                    .containsEntry("BPFKEEPER_RESULT", "ok"));
            assertThat(entries).anySatisfy(entry -> assertThat(entry)
                    .containsEntry("BPFKEEPER_METHOD", "io.bpfkeeper.Adopt")
                    .containsEntry("BPFKEEPER_RESULT", "failed")
                    .hasEntrySatisfying("BPFKEEPER_ERROR", error -> assertThat(error)
                            .contains("x\\n" + FORGED_LINE).doesNotContain("\n")));
        }
    }

    /** The datagrams that the audit events sent: one each, all sent before their call's reply. */
    private List<Map<String, String>> journalEntries(long count) throws IOException {
        List<Map<String, String>> entries = new ArrayList<>();
        ByteBuffer datagram = ByteBuffer.allocate(64 * 1024);
        while (entries.size() < count) {
            journald.receive(datagram);
            datagram.flip();
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            entries.add(JournaldAppenderTest.parse(bytes));
            datagram.clear();
        }
        return entries;
    }
}
