package io.bpfkeeper.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a number in decimal, or in hex with {@code 0x}, since BPF flags and
 * sizes are often written in hex. Unlike {@link Long#decode}, a leading zero
 * does not make it octal: {@code 010} is ten, as a person means it.
 */
final class NumberConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                return Long.parseLong(value.substring(2), 16);
            }
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number, in decimal or in hex with 0x");
        }
    }
}
