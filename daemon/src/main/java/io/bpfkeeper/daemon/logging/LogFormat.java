package io.bpfkeeper.daemon.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * How log lines look: {@code text} (logback.xml's pattern, plain under the journal) or {@code json},
 * one JSON object per line for log shippers, with audit fields (uid, pid, comm) as key-value pairs.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** The console appender that logback.xml declares. */
    static final String APPENDER = "STDERR";

    /**
     * Switches the daemon's console output to this format; text is what logback.xml sets up. Under
     * the journal, audit lines go to journald natively, as structured fields, whatever the format.
     */
    public void apply() {
        JournaldAppender.routeAuditToJournal(APPENDER);
        if (this == TEXT) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) root.getAppender(APPENDER);
        if (appender == null) {
            throw new IllegalStateException("the logback configuration has no appender " + APPENDER);
        }
        appender.stop();
        appender.setEncoder(jsonEncoder(context));
        appender.start();
    }

    private static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // What a reader needs; sequence numbers, nanoseconds, the logger context and the raw
        // message template only lengthen every line.
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
