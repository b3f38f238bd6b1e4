package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Proves every hand-written offset and size of a kernel struct against the installed
 * {@code <linux/bpf.h>}: gcc computes {@code offsetof} and {@code sizeof} for each {@link StructField}
 * constant, found by reflection so that a new constant cannot escape the check.
 */
class StructLayoutTest {

    private static final List<Declared> DECLARED = declaredFields();

    /** A {@link StructField} constant, with the C type that it is a member of. */
    private record Declared(String javaName, String cType, StructField field) {

        String offsetExpression() {
            return "offsetof(" + cType + ", " + field.member() + ")";
        }

        String sizeExpression() {
            return "sizeof(((" + cType + " *) 0)->" + field.member() + ")";
        }

        @Override
        public String toString() {
            return javaName + " (" + cType + " " + field.member() + ")";
        }
    }

    @Test
    void reflectionFindsTheFieldsOfEveryLayout() {
        assertThat(DECLARED).extracting(Declared::javaName)
                .contains("BpfAttr.MapCreate.MAP_NAME", "BpfAttr.Batch.ELEM_FLAGS", "BpfAttr.TestRun.DURATION",
                        "MapInfoLayout.MAP_EXTRA", "ProgInfoLayout.VERIFIED_INSNS");
    }

    @Test
    void everyMemberIsInTheInstalledHeader() {
        assertThat(absentFromHeader())
                .as("members missing from the installed <linux/bpf.h> (newer than it, or misspelt),"
                        + " whose offsets this test could therefore not check")
                .isEmpty();
    }

    @Test
    void everyOffsetAndSizeIsTheHeadersOwn() {
        List<Declared> checkable = new ArrayList<>(DECLARED);
        checkable.removeAll(absentFromHeader());
        List<Long> measured = HeaderProbe.evaluate(checkable.stream()
                .flatMap(declared -> Stream.of(declared.offsetExpression(), declared.sizeExpression()))
                .toList());

        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < checkable.size(); i++) {
            Declared declared = checkable.get(i);
            long offset = measured.get(2 * i);
            long size = measured.get(2 * i + 1);
            if (offset != declared.field().offset() || size != declared.field().size()) {
                mismatches.add(declared + ": we say offset " + declared.field().offset() + " size "
                        + declared.field().size() + ", the header says offset " + offset + " size " + size);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void infoStructSizesAreTheHeadersOwn() {
        List<Long> sizes = HeaderProbe.evaluate(List.of(
                "sizeof(" + MapInfoLayout.C_TYPE + ")", "sizeof(" + ProgInfoLayout.C_TYPE + ")"));

        assertThat(sizes).containsExactly((long) MapInfoLayout.SIZE, (long) ProgInfoLayout.SIZE);
    }

    @Test
    void everyAttrMemberLiesInsideTheBufferPassedToTheKernel() {
        assertThat(DECLARED)
                .filteredOn(declared -> declared.cType().equals(BpfAttr.C_TYPE))
                .allSatisfy(declared -> assertThat(declared.field().offset() + declared.field().size())
                        .as(declared.toString())
                        .isLessThanOrEqualTo(BpfAttr.SIZE));
    }

    /** The numbers that /work/shared/notes/kernel-facts.md gives for struct bpf_prog_info. */
    @Test
    void kernelFactsNoteOnProgInfoAgreesWithTheHeaderAndOurLayout() {
        Map<String, Long> noted = new LinkedHashMap<>();
        noted.put("offsetof(struct bpf_prog_info, nr_map_ids)", 52L);
        noted.put("offsetof(struct bpf_prog_info, map_ids)", 56L);
        noted.put("offsetof(struct bpf_prog_info, run_time_ns)", 192L);
        noted.put("offsetof(struct bpf_prog_info, run_cnt)", 200L);
        noted.put("offsetof(struct bpf_prog_info, recursion_misses)", 208L);
        noted.put("offsetof(struct bpf_prog_info, verified_insns)", 216L);
        noted.put("sizeof(struct bpf_prog_info)", 232L);

        List<Long> measured = HeaderProbe.evaluate(List.copyOf(noted.keySet()));

        assertThat(measured).containsExactlyElementsOf(noted.values());
        assertThat(List.of(ProgInfoLayout.NR_MAP_IDS.offset(), ProgInfoLayout.MAP_IDS.offset(),
                ProgInfoLayout.RUN_TIME_NS.offset(), ProgInfoLayout.RUN_CNT.offset(),
                ProgInfoLayout.RECURSION_MISSES.offset(), ProgInfoLayout.VERIFIED_INSNS.offset(),
                ProgInfoLayout.SIZE))
                .containsExactly(52, 56, 192, 200, 208, 216, 232);
    }

    /** The declared members that the header lacks; one compile when it has them all. */
    private static List<Declared> absentFromHeader() {
        String everything = DECLARED.stream().map(Declared::offsetExpression).collect(Collectors.joining(" + "));
        if (HeaderProbe.compiles(everything)) {
            return List.of();
        }
        return DECLARED.stream().filter(declared -> !HeaderProbe.compiles(declared.offsetExpression())).toList();
    }

    private static List<Declared> declaredFields() {
        List<Declared> all = new ArrayList<>();
        for (Class<?> group : BpfAttr.class.getDeclaredClasses()) {
            all.addAll(fieldsOf(group, BpfAttr.C_TYPE));
        }
        all.addAll(fieldsOf(MapInfoLayout.class, MapInfoLayout.C_TYPE));
        all.addAll(fieldsOf(ProgInfoLayout.class, ProgInfoLayout.C_TYPE));
        return List.copyOf(all);
    }

    private static List<Declared> fieldsOf(Class<?> holder, String cType) {
        String holderName = holder.getName().substring(holder.getPackageName().length() + 1).replace('$', '.');
        List<Declared> fields = new ArrayList<>();
        for (Field field : holder.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (field.getType() == StructField.class && Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers)
                    && Modifier.isFinal(modifiers)) {
                fields.add(new Declared(holderName + "." + field.getName(), cType, read(field)));
            }
        }
        return fields;
    }

    private static StructField read(Field field) {
        try {
            return (StructField) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
