package io.bpfkeeper.protocol.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdlSyntaxTest {
    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                        | 1 | 1  | expected 'interface'
            'interface Foo.bar'                                       | 1 | 11 | invalid interface name 'Foo.bar'
            'interface org.example\n'                                 | 2 | 1  | expected at least one type, method or error
            'interface a.b\nfunction F() -> ()'                       | 2 | 1  | expected 'type', 'method' or 'error'
            'interface a.b\nmethod Foo(x: int) > ()'                  | 2 | 20 | expected '->' but found '>'
            'interface a.b\ntype T (a: ??int)'                        | 2 | 13 | a nullable type cannot be nullable again
            'interface a.b\ntype T (a: int)\nerror T ()'              | 3 | 7  | duplicate name 'T'
            'interface a.b\nmethod M(x: Missing) -> ()'               | 2 | 13 | undefined type 'Missing'
            'interface a.b\ntype T (_a: int)'                         | 2 | 9  | invalid field name '_a'
            'interface a.b\ntype T (a__b: int)'                       | 2 | 9  | invalid field name 'a__b'
            'interface a.b\ntype t (a: int)'                          | 2 | 6  | invalid name 't'
            'interface a.b\nmethod M(a, b) -> ()'                     | 2 | 9  | expected a struct of 'name: type' fields, not an enum
            'interface a.b\ntype T (a: int b: int)'                   | 2 | 16 | expected ',' or ')' but found 'b'
            'interface a.b\ntype T (a: int'                           | 2 | 15 | expected ',' or ')' but the text ends
            'interface a.b\ntype T (a: int, a: string)'               | 2 | 17 | duplicate field 'a'
            'interface a.b\ntype T (a, a)'                            | 2 | 12 | duplicate enum value 'a'
            'interface a.b\ntype T (a, b: int)'                       | 2 | 13 | expected ',' or ')' but found ':'
            'interface a.b\ntype T (a: [int]string)'                  | 2 | 12 | expected a type but found '['
            'interface a.b\ntype T (a: lower_case)'                   | 2 | 12 | invalid type name 'lower_case'
            '# doc\ninterface a.b\n\n  # c\n  type T (a: int,)'       | 5 | 18 | expected field name but found ')'
            """)
    void reportsWhereAndWhat(String text, int line, int column, String reason) {
        IdlSyntaxException fault =
                catchThrowableOfType(IdlSyntaxException.class, () -> Idl.parse(text.replace("\\n", "\n")));

        assertThat(fault).as("a fault for %s", text).isNotNull();
        assertThat(fault.getMessage()).isEqualTo("line " + line + ", column " + column + ": " + reason);
        assertThat(fault.line()).isEqualTo(line);
        assertThat(fault.column()).isEqualTo(column);
    }
}
