package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The IDL type {@code Owner}: the client that created or adopted an object, from SO_PEERCRED. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Owner(long uid, long gid, long pid) {
}
