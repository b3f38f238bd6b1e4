package io.bpfkeeper.daemon.logging;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * The log line pattern: without a timestamp under systemd, whose journal stamps every line itself
 * (systemd sets JOURNAL_STREAM when stderr goes to the journal), with one everywhere else. Messages
 * and exception messages have their line breaks escaped ({@code %oneLineMsg}, {@code %oneLineEx}):
 * one event is one line, whatever text from a client it quotes.
 */
public final class LogPattern extends PropertyDefinerBase {

    static final String PLAIN = "%-5level %logger{0}: %oneLineMsg%n%oneLineEx";
    static final String TIMESTAMPED = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} " + PLAIN;

    @Override
    public String getPropertyValue() {
        return JournaldAppender.stderrIsJournal() ? PLAIN : TIMESTAMPED;
    }
}
