package io.bpfkeeper.protocol.idl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Deque;

/**
 * One type of a definition, compiled for checking JSON values.
 *
 * <p>A check that fails prepends its own path segment ({@code .name} or
 * {@code [i]}) to {@code path}, so the path is built only while a failure
 * unwinds.
 */
@FunctionalInterface
interface Check {
    boolean test(JsonNode node, Deque<String> path);
}
