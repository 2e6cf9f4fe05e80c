package io.roomcast.internal.protocol;

import java.util.Arrays;

/**
 * A byte array as a map key, compared by content (a client nonce, a spent retry token). The array
 * must not change while it is a key.
 *
 * @param bytes the key's bytes
 */
record BytesKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
        return o instanceof BytesKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "BytesKey[" + bytes.length + " bytes]";
    }
}
