package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our names and numbers of kernel enums against the installed {@code <linux/bpf.h>}. The enumerator
 * names come from the preprocessed header; their values come from gcc, so that implicit values and
 * aliases ({@code BPF_PROG_RUN = BPF_PROG_TEST_RUN}) need no parsing.
 */
class KernelEnumTest {

    private static final String HEADER = HeaderProbe.preprocessedHeader();

    static Stream<Arguments> namedEnums() {
        return Stream.of(
                Arguments.of("MapType", MapType.NAMES),
                Arguments.of("ProgramType", ProgramType.NAMES),
                Arguments.of("AttachType", AttachType.NAMES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedEnums")
    void namesAgreeWithEveryEnumeratorOfTheHeader(String javaName, KernelEnum names) {
        Map<Long, Set<String>> headerNamesByValue = headerNamesByValue(names);

        List<String> disagreements = new ArrayList<>();
        headerNamesByValue.forEach((value, headerNames) -> {
            String ours = names.name(Math.toIntExact(value));
            if (!headerNames.contains(ours)) {
                disagreements.add(value + ": we say " + ours + ", the header says " + headerNames);
            }
        });
        assertThat(headerNamesByValue).as("enumerators of " + names.cEnum() + " in the header").isNotEmpty();
        assertThat(disagreements).as(javaName + " against " + names.cEnum()).isEmpty();
    }

    @Test
    void commandNumbersAreTheHeadersOwn() {
        Set<String> headerCommands = Set.copyOf(enumerators("enum bpf_cmd"));
        List<BpfCommand> ours = Arrays.asList(BpfCommand.values());
        assertThat(ours).extracting(BpfCommand::kernelName)
                .as("commands of ours that enum bpf_cmd lacks")
                .allMatch(headerCommands::contains);

        List<Long> headerNumbers = HeaderProbe.evaluate(ours.stream().map(BpfCommand::kernelName).toList());

        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            BpfCommand command = ours.get(i);
            if (command.number() != headerNumbers.get(i)) {
                disagreements.add(command.kernelName() + ": we say " + command.number() + ", the header says "
                        + headerNumbers.get(i));
            }
        }
        assertThat(disagreements).isEmpty();
    }

    /** bpftool's names (prefix dropped, lower case) of each value; several where the header has aliases. */
    private static Map<Long, Set<String>> headerNamesByValue(KernelEnum names) {
        List<String> enumerators = enumerators(names.cEnum()).stream()
                .filter(enumerator -> enumerator.startsWith(names.cPrefix()))
                .toList();
        List<Long> values = HeaderProbe.evaluate(enumerators);
        Map<Long, Set<String>> byValue = new TreeMap<>();
        for (int i = 0; i < enumerators.size(); i++) {
            String name = enumerators.get(i).substring(names.cPrefix().length()).toLowerCase(Locale.ROOT);
            byValue.computeIfAbsent(values.get(i), value -> new TreeSet<>()).add(name);
        }
        return byValue;
    }

    /** The enumerator names of {@code cEnum} (such as "enum bpf_cmd"), in the header's order. */
    private static List<String> enumerators(String cEnum) {
        Matcher body = Pattern.compile(Pattern.quote(cEnum) + "\\s*\\{([^}]*)\\}").matcher(HEADER);
        assertThat(body.find()).as(cEnum + " in the preprocessed <linux/bpf.h>").isTrue();
        return Arrays.stream(body.group(1).split(","))
                .map(enumerator -> enumerator.split("=")[0].strip())
                .filter(name -> !name.isEmpty())
                .toList();
    }
}
