package io.bpfkeeper.daemon.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;

/**
 * {@code %oneLineEx}: a stack trace whose exception messages have their line breaks escaped. The
 * trace keeps its own lines, each starting with a tab, "Caused by" or "Suppressed"; a message, which
 * may quote a client, can then add none.
 */
public final class OneLineThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return super.throwableProxyToString(new OneLineThrowable(proxy));
    }

    private record OneLineThrowable(IThrowableProxy proxy) implements IThrowableProxy {

        @Override
        public String getMessage() {
            return proxy.getMessage() == null ? null : LogText.oneLine(proxy.getMessage(), Integer.MAX_VALUE);
        }

        @Override
        public String getOverridingMessage() {
            String overriding = proxy.getOverridingMessage();
            return overriding == null ? null : LogText.oneLine(overriding, Integer.MAX_VALUE);
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return proxy.getCause() == null ? null : new OneLineThrowable(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            return proxy.getSuppressed() == null ? null
                    : Arrays.stream(proxy.getSuppressed()).map(OneLineThrowable::new).toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
