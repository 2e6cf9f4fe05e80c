package io.roomcast.internal.wire;

import java.util.Arrays;

/**
 * An enum constant that travels as one byte: {@link CloseReason}, {@link ErrorCode},
 * {@link EventKind}, {@link RejectReason}. The byte is the constant's {@link #code()}, never its
 * ordinal, so reordering or adding constants does not change the wire.
 *
 * <p>Each enum builds its {@link #table} once and decodes with {@link #of}, which indexes the
 * table: no search and no {@code values()} copy per decoded byte.
 */
public interface WireCode {
    /** The most codes one byte can carry. */
    int CODES = 256;

    /** The byte on the wire, 0 to 255. */
    int code();

    /**
     * The constants indexed by their codes, for {@link #of}; an index that is no constant's code
     * holds {@code null}.
     *
     * @param constants every constant of one enum, as {@code values()} returns them
     * @throws IllegalArgumentException if a code does not fit a byte or two constants share one
     */
    static <E extends Enum<E> & WireCode> E[] table(E[] constants) {
        int largest = 0;
        for (E constant : constants) {
            if (constant.code() < 0 || constant.code() >= CODES) {
                throw new IllegalArgumentException(constant + " has code " + constant.code() + ", not a byte");
            }
            largest = Math.max(largest, constant.code());
        }
        E[] byCode = Arrays.copyOf(constants, largest + 1);
        Arrays.fill(byCode, null);
        for (E constant : constants) {
            if (byCode[constant.code()] != null) {
                throw new IllegalArgumentException(constant + " and " + byCode[constant.code()] + " share code "
                        + constant.code());
            }
            byCode[constant.code()] = constant;
        }
        return byCode;
    }

    /**
     * The constant for a byte read from the wire.
     *
     * @param table the enum's {@link #table}
     * @param code  the byte
     * @param what  the field, for the exception's message, such as {@code "close reason"}
     * @throws MalformedPacketException if no constant has {@code code}, naming {@code what} and the code
     */
    static <E extends Enum<E> & WireCode> E of(E[] table, int code, String what) throws MalformedPacketException {
        if (code >= 0 && code < table.length && table[code] != null) {
            return table[code];
        }
        throw new MalformedPacketException("unknown " + what + " " + code);
    }
}
