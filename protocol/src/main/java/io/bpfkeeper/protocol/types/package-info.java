/**
 * Java records for the types of the {@code io.bpfkeeper} IDL, for Jackson to
 * read and write.
 *
 * <p>Every IDL {@code int} is a {@code long}; nullable fields are
 * references that are {@code null} when absent, and absent fields are not
 * written. IDL enums are Java enums whose JSON form is the lower-case
 * constant name ({@link io.bpfkeeper.protocol.types.Kind#wireName()}).
 * Unknown fields are ignored when reading, because a newer daemon may add
 * nullable fields to its replies.
 */
package io.bpfkeeper.protocol.types;
