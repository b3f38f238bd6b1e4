package io.bpfkeeper.daemon.kernel;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The names of a kernel enum such as {@code enum bpf_map_type}, in value order. bpftool names every
 * value by its C enumerator, lower-cased and without the common prefix ({@code BPF_MAP_TYPE_HASH}
 * is "hash"), and so do we: users can copy names between the two tools.
 */
public final class KernelEnum {

    private final String cEnum;
    private final String cPrefix;
    private final List<String> names;
    private final Map<String, Integer> valuesByName;

    KernelEnum(String cEnum, String cPrefix, List<String> names) {
        this.cEnum = cEnum;
        this.cPrefix = cPrefix;
        this.names = List.copyOf(names);
        this.valuesByName = java.util.stream.IntStream.range(0, names.size()).boxed()
                .collect(Collectors.toUnmodifiableMap(names::get, Function.identity()));
    }

    /** The C enum, such as {@code "enum bpf_map_type"}, for the test that reads the header. */
    public String cEnum() {
        return cEnum;
    }

    /** The C enumerator prefix, such as {@code "BPF_MAP_TYPE_"}. */
    public String cPrefix() {
        return cPrefix;
    }

    /** Every known name, index = kernel value. */
    public List<String> names() {
        return names;
    }

    /** The bpftool name, or "unknown_N" for values newer than this build knows. */
    public String name(int value) {
        return value >= 0 && value < names.size() ? names.get(value) : "unknown_" + value;
    }

    public Optional<Integer> value(String name) {
        return Optional.ofNullable(valuesByName.get(name));
    }
}
