package io.bpfkeeper.protocol.idl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdlTest {
    static String resource(String name) {
        try (InputStream in = IdlTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String CERTIFICATION = resource("org.varlink.certification.varlink");

    @Test
    void parsesTheCertificationInterface() {
        InterfaceDefinition definition = Idl.parse(CERTIFICATION);

        assertThat(definition.name()).isEqualTo("org.varlink.certification");
        assertThat(definition.types()).containsOnlyKeys("Interface", "MyType");
        assertThat(definition.methods().keySet()).containsExactly(
                "Start", "Test01", "Test02", "Test03", "Test04", "Test05", "Test06",
                "Test07", "Test08", "Test09", "Test10", "Test11", "End");
        assertThat(definition.errors().keySet()).containsExactly("ClientIdError", "CertificationError");
        assertThat(definition.errors().get("ClientIdError").parameters().fields()).isEmpty();
    }

    @Test
    void descriptionIsTheExactText() {
        assertThat(Idl.parse(CERTIFICATION).description()).isEqualTo(CERTIFICATION);
    }

    @Test
    void modelsEveryKindOfType() {
        StructType myType = (StructType) Idl.parse(CERTIFICATION).types().get("MyType").type();

        assertThat(myType.fields().keySet()).containsExactly(
                "object", "enum", "struct", "array", "dictionary", "stringset", "nullable",
                "nullable_array_struct", "interface");
        assertThat(myType.fields()).containsEntry("object", ScalarType.OBJECT)
                .containsEntry("enum", new EnumType(Set.of("one", "two", "three")))
                .containsEntry("array", new ArrayType(ScalarType.STRING))
                .containsEntry("dictionary", new DictType(ScalarType.STRING))
                .containsEntry("stringset", new SetType())
                .containsEntry("nullable", new NullableType(ScalarType.STRING))
                .containsEntry("interface", new NamedType("Interface"));
        assertThat(((EnumType) myType.fields().get("enum")).values()).containsExactly("one", "two", "three");
        assertThat(myType.fields().get("nullable_array_struct")).isEqualTo(
                new NullableType(new ArrayType(new StructType(
                        Map.of("first", ScalarType.INT, "second", ScalarType.STRING)))));
    }

    @Test
    void nullableMayWrapAContainerOfNullables() {
        StructType anInterface =
                (StructType) Idl.parse(CERTIFICATION).types().get("Interface").type();

        assertThat(anInterface.fields().get("foo")).isEqualTo(
                new NullableType(new ArrayType(new NullableType(
                        new DictType(new EnumType(Set.of("foo", "bar", "baz")))))));
    }

    @Test
    void keepsDocumentationComments() {
        InterfaceDefinition definition = Idl.parse(CERTIFICATION);

        assertThat(definition.doc()).startsWith("Interface to test varlink implementations against.\n")
                .endsWith("your new language bindings should be varlink certified.");
        assertThat(definition.methods().get("Test10").doc())
                .isEqualTo("returns more than one reply with \"continues\"");
        assertThat(definition.methods().get("Test11").doc()).isEmpty();
    }

    @Test
    void docIsOnlyTheCommentBlockRightAboveADeclaration() {
        InterfaceDefinition definition = Idl.parse("""
                interface org.example.docs
                # not about T

                #  indented
                #second
                type T (a: int) # trailing
                method M() -> ()
                """);

        assertThat(definition.types().get("T").doc()).isEqualTo(" indented\nsecond");
        assertThat(definition.methods().get("M").doc()).isEmpty();
    }

    @Test
    void acceptsForwardAndRecursiveReferences() {
        InterfaceDefinition definition = Idl.parse("""
                interface org.example.tree
                method Walk(root: Node) -> ()
                type Node (name: string, children: []Node, parent: ?Node)
                """);

        assertThat(definition.types().get("Node").type())
                .isEqualTo(new StructType(Map.of(
                        "name", ScalarType.STRING,
                        "children", new ArrayType(new NamedType("Node")),
                        "parent", new NullableType(new NamedType("Node")))));
    }

    @Test
    void fieldNamesMayBeKeywordsAndWhitespaceIsFree() {
        InterfaceDefinition definition = Idl.parse(
                "interface a-b.c-1\r\n\tmethod  M (\r\n type :string ,interface:( a,b ) )->( )");

        assertThat(definition.name()).isEqualTo("a-b.c-1");
        assertThat(definition.methods().get("M").input().fields().keySet())
                .containsExactly("type", "interface");
    }

    @Test
    void aMethodTakesFdsOnlyWhenAnIntParameterNamesOne() {
        InterfaceDefinition definition = Idl.parse("""
                interface org.example.fds
                method Plain(count: int, name: string) -> ()
                method Named(fileDescriptor: int) -> ()
                method Suffixed(netnsFd: ?int) -> ()
                method NotAnInt(netnsFd: string, fileDescriptor: []int) -> ()
                method OnlyReturns() -> (fileDescriptor: int)
                """);

        assertThat(definition.methods().values().stream().filter(MethodDefinition::takesFds).map(MethodDefinition::name))
                .containsExactlyInAnyOrder("Named", "Suffixed");
    }
}
