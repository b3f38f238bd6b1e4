package io.bpfkeeper.daemon.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %oneLineMsg}: the message with its line breaks escaped, whatever a caller forgot to escape,
 * so that one event is one line and no text in it can pass for a line of its own.
 */
public final class OneLineMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.oneLine(super.convert(event), Integer.MAX_VALUE);
    }
}
