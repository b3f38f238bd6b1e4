package io.bpfkeeper.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Sends events to journald's native socket as structured fields, so that {@code journalctl
 * BPFKEEPER_CALLER_UID=1000} finds a user's audit records: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, and
 * each key-value pair of the event as {@code BPFKEEPER_KEY}. Values travel in the protocol's binary
 * form, so a value with a newline stays one field of one entry. An event that journald does not
 * take goes to the attached appenders instead (the console), so that it is not lost.
 */
public final class JournaldAppender extends AppenderBase<ILoggingEvent> implements AppenderAttachable<ILoggingEvent> {

    /** The audit logger: one line per state-changing call. */
    public static final String AUDIT_LOGGER = "io.bpfkeeper.audit";

    static final String JOURNAL_SOCKET = "/run/systemd/journal/socket";
    static final String IDENTIFIER = "bpfkeeper";
    private static final String FIELD_PREFIX = "BPFKEEPER_";

    private final AppenderAttachableImpl<ILoggingEvent> fallback = new AppenderAttachableImpl<>();
    private String socket = JOURNAL_SOCKET;
    private UnixDatagramChannel channel;

    /**
     * When stderr is the journal, sends {@link #AUDIT_LOGGER}'s events to journald natively, and no
     * longer to stderr as well; the console appender {@code fallbackName} takes what journald does not.
     */
    public static void routeAuditToJournal(String fallbackName) {
        if (!stderrIsJournal()) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Appender<ILoggingEvent> console = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(fallbackName);
        JournaldAppender journal = new JournaldAppender();
        journal.setContext(context);
        journal.setName("JOURNAL");
        if (console != null) {
            journal.addAppender(console);
        }
        journal.start();
        if (!journal.isStarted()) {
            return;
        }
        Logger audit = context.getLogger(AUDIT_LOGGER);
        audit.addAppender(journal);
        audit.setAdditive(false);
    }

    /**
     * Whether stderr is a stream to journald: systemd sets JOURNAL_STREAM to its device and inode.
     * A child that inherited the variable but not the stream does not count.
     */
    public static boolean stderrIsJournal() {
        String stream = System.getenv("JOURNAL_STREAM");
        if (stream == null) {
            return false;
        }
        try {
            Path stderr = Path.of("/proc/self/fd/2");
            return stream.equals(Files.getAttribute(stderr, "unix:dev") + ":" + Files.getAttribute(stderr, "unix:ino"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Where journald listens; tests point it at a socket of their own. */
    public void setSocket(String socket) {
        this.socket = socket;
    }

    @Override
    public void start() {
        try {
            channel = UnixDatagramChannel.open();
        } catch (IOException e) {
            addError("cannot open a datagram socket for " + socket, e);
            return;
        }
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            addWarn("closing the socket to " + socket, e);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            channel.send(ByteBuffer.wrap(entry(event)), new UnixSocketAddress(socket));
        } catch (IOException | RuntimeException e) {
            fallback.appendLoopOnAppenders(event);
        }
    }

    /** One journal entry in the native protocol. */
    static byte[] entry(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        field(out, "MESSAGE", LogText.oneLine(event.getFormattedMessage(), Integer.MAX_VALUE));
        field(out, "PRIORITY", Integer.toString(priority(event.getLevel())));
        field(out, "SYSLOG_IDENTIFIER", IDENTIFIER);
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                field(out, fieldName(pair.key), String.valueOf(pair.value));
            }
        }
        return out.toByteArray();
    }

    /** "caller_uid" becomes BPFKEEPER_CALLER_UID: journald takes upper case letters, digits and '_'. */
    static String fieldName(String key) {
        return FIELD_PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    /**
     * KEY=VALUE and a newline, or, for a value with a newline, the binary form: KEY, a newline, the
     * value's length as a little-endian 64-bit number, the value, a newline.
     */
    private static void field(ByteArrayOutputStream out, String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        if (value.indexOf('\n') < 0) {
            out.write('=');
        } else {
            out.write('\n');
            out.writeBytes(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length).array());
        }
        out.writeBytes(bytes);
        out.write('\n');
    }

    /** syslog priorities: err, warning, info, debug. */
    private static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        fallback.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return fallback.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return fallback.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return fallback.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        fallback.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return fallback.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return fallback.detachAppender(name);
    }
}
