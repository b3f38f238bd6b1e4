package io.bpfkeeper.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

/**
 * The journal's native protocol, as journald reads it: one datagram per event, fields as KEY=VALUE
 * lines, and values with a newline in the binary form, so that they stay one field. The test binds
 * the socket the appender sends to; the real journald is never involved.
 */
class JournaldAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger(JournaldAppender.AUDIT_LOGGER);
    private final ListAppender<ILoggingEvent> console = new ListAppender<>();
    private final JournaldAppender journal = new JournaldAppender();
    private UnixDatagramChannel journald;

    @TempDir
    Path directory;

    @BeforeEach
    void bindAJournalSocket() throws IOException {
        Path socket = directory.resolve("journal.socket");
        journald = UnixDatagramChannel.open();
        journald.bind(new UnixSocketAddress(socket.toFile()));
        console.setContext(context);
        console.start();
        journal.setContext(context);
        journal.setSocket(socket.toString());
        journal.addAppender(console);
        journal.start();
    }

    @AfterEach
    void close() throws IOException {
        journal.stop();
        journald.close();
    }

    @Test
    void anAuditEventIsOneDatagramOfFieldsWithNewlinesInTheBinaryForm() throws IOException {
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, "uid={} pid={}: {}", null,
                new Object[] {1000, 42, "pinned map 7 at \"a\\nb\""});
        event.addKeyValuePair(new KeyValuePair("caller_uid", 1000));
        event.addKeyValuePair(new KeyValuePair("caller_comm", "evil\nINFO  audit: uid=0"));
        event.addKeyValuePair(new KeyValuePair("method", "io.bpfkeeper.Pin"));

        journal.doAppend(event);

        Map<String, String> fields = parse(receive());
        assertThat(fields).containsExactly(
                Map.entry("MESSAGE", "uid=1000 pid=42: pinned map 7 at \"a\\nb\""),
                Map.entry("PRIORITY", "6"),
                Map.entry("SYSLOG_IDENTIFIER", "bpfkeeper"),
                Map.entry("BPFKEEPER_CALLER_UID", "1000"),
                Map.entry("BPFKEEPER_CALLER_COMM", "evil\nINFO  audit: uid=0"),
                Map.entry("BPFKEEPER_METHOD", "io.bpfkeeper.Pin"));
        assertThat(console.list).isEmpty();
    }

    @Test
    void aMessageWithALineBreakStaysOneLine() throws IOException {
        journal.doAppend(new LoggingEvent(Logger.FQCN, logger, Level.WARN, "lost {}", null,
                new Object[] {"x\nINFO  audit: forged"}));

        assertThat(parse(receive())).containsEntry("MESSAGE", "lost x\\nINFO  audit: forged")
                .containsEntry("PRIORITY", "4");
    }

    @Test
    void whatJournaldDoesNotTakeGoesToTheConsole() throws IOException {
        journald.close();
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, "uid=1000: released map 7", null,
                null);

        journal.doAppend(event);

        assertThat(console.list).containsExactly(event);
    }

    private byte[] receive() throws IOException {
        ByteBuffer datagram = ByteBuffer.allocate(64 * 1024);
        journald.receive(datagram);
        datagram.flip();
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        return bytes;
    }

    /** journald's reading of a native datagram (journald-native.c). */
    static Map<String, String> parse(byte[] datagram) {
        Map<String, String> fields = new LinkedHashMap<>();
        ByteBuffer in = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int start = in.position();
            int end = start;
            while (datagram[end] != '\n' && datagram[end] != '=') {
                end++;
            }
            String name = new String(datagram, start, end - start, StandardCharsets.US_ASCII);
            String value;
            if (datagram[end] == '=') {
                int newline = end + 1;
                while (datagram[newline] != '\n') {
                    newline++;
                }
                value = new String(datagram, end + 1, newline - end - 1, StandardCharsets.UTF_8);
                in.position(newline + 1);
            } else {
                in.position(end + 1);
                int length = (int) in.getLong();
                value = new String(datagram, in.position(), length, StandardCharsets.UTF_8);
                in.position(in.position() + length);
                assertThat(in.get()).as("the newline after the binary value of " + name).isEqualTo((byte) '\n');
            }
            assertThat(fields.put(name, value)).as("field " + name + " once").isNull();
        }
        return fields;
    }
}
