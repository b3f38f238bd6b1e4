package io.bpfkeeper.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.idl.ErrorDefinition;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import io.bpfkeeper.protocol.idl.ScalarType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InterfaceContractTest {
    static Stream<Arguments> interfaces() {
        return Stream.of(
                Arguments.of(BpfkeeperInterface.class, BpfkeeperInterface.definition()),
                Arguments.of(VarlinkService.class, VarlinkService.definition()));
    }

    @ParameterizedTest
    @MethodSource("interfaces")
    void hasOneConstantPerMethodAndError(Class<?> constants, InterfaceDefinition definition)
            throws IllegalAccessException {
        Map<String, String> expected = new HashMap<>();
        expected.put("NAME", definition.name());
        Stream.concat(definition.methods().keySet().stream(), definition.errors().keySet().stream())
                .forEach(name -> expected.put(
                        name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(),
                        definition.name() + "." + name));

        assertThat(stringConstants(constants)).isEqualTo(expected);
    }

    private static Map<String, String> stringConstants(Class<?> type) throws IllegalAccessException {
        Map<String, String> constants = new HashMap<>();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                constants.put(field.getName(), (String) field.get(null));
            }
        }
        return constants;
    }

    @Test
    void descriptionIsTheResourceVerbatim() throws IOException {
        try (InputStream in = BpfkeeperInterface.class.getResourceAsStream("io.bpfkeeper.varlink")) {
            assertThat(BpfkeeperInterface.description())
                    .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyBpfkeeperErrorCarriesAMessage() {
        assertThat(BpfkeeperInterface.definition().errors().values())
                .isNotEmpty()
                .allSatisfy(error -> assertThat(error.parameters().fields())
                        .as(error.name())
                        .containsEntry("message", ScalarType.STRING));
    }

    @Test
    void everyBpfkeeperDeclarationIsDocumented() {
        InterfaceDefinition definition = BpfkeeperInterface.definition();

        assertThat(definition.doc()).isNotBlank();
        assertThat(definition.types().values())
                .allSatisfy(type -> assertThat(type.doc()).as(type.name()).isNotBlank());
        assertThat(definition.methods().values())
                .allSatisfy(method -> assertThat(method.doc()).as(method.name()).isNotBlank());
        assertThat(definition.errors().values())
                .allSatisfy(error -> assertThat(error.doc()).as(error.name()).isNotBlank());
    }

    @Test
    void varlinkServiceIsTheStandardInterface() {
        InterfaceDefinition definition = VarlinkService.definition();

        assertThat(definition.methods().get("GetInfo").output().fields().keySet())
                .containsExactly("vendor", "product", "version", "url", "interfaces");
        assertThat(definition.methods().get("GetInterfaceDescription").input().fields())
                .containsOnlyKeys("interface");
        Map<String, Iterable<String>> errorFields = new HashMap<>();
        for (ErrorDefinition error : definition.errors().values()) {
            errorFields.put(error.name(), error.parameters().fields().keySet());
        }
        assertThat(errorFields).containsOnlyKeys(
                "InterfaceNotFound", "MethodNotFound", "MethodNotImplemented",
                "InvalidParameter", "PermissionDenied", "ExpectedMore");
        assertThat(errorFields.get("InvalidParameter")).containsExactly("parameter");
        assertThat(errorFields.get("ExpectedMore")).isEmpty();
    }
}
